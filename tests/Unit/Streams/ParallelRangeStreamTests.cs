using MspMigration.Engine.Limits;
using MspMigration.Engine.Streams;

namespace MspMigration.Tests.Unit.Streams;

public class ParallelRangeStreamTests
{
    private static readonly byte[] Body = [.. Enumerable.Range(0, 5_000_003).Select(i => (byte)(i * 7 + i / 1013))];

    private sealed class RangeSource(byte[] body)
    {
        public List<(long Start, long End)> Asked { get; } = [];
        public int Open;
        public int MaxOpen;

        public Task<Stream> OpenAsync(long start, long end, CancellationToken cancellationToken)
        {
            lock (Asked) Asked.Add((start, end));
            var now = Interlocked.Increment(ref Open);
            InterlockedMax(ref MaxOpen, now);
            return Task.FromResult<Stream>(new Counted(this, new MemoryStream(body, (int)start, (int)(end - start + 1), writable: false)));
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = target) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }

        private sealed class Counted(RangeSource source, Stream inner) : ReadOnlyStream
        {
            public override int Read(Span<byte> buffer) => inner.Read(buffer);
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                inner.ReadAsync(buffer, cancellationToken);
            protected override void Dispose(bool disposing)
            {
                if (disposing) Interlocked.Decrement(ref source.Open);
                base.Dispose(disposing);
            }
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    [Theory]
    [InlineData(1_000_000, 3, 64 * 1024)]
    [InlineData(1_000_000, 0, 7919)]
    [InlineData(4_999_999, 5, 1 << 20)]
    public async Task Hands_on_every_byte_in_order(int chunk, int ahead, int readSize)
    {
        var source = new RangeSource(Body);
        var budget = new MemoryBudget(64 * MemoryBudget.MiB);
        var first = new MemoryStream(Body, writable: false);
        await using var stream = new ParallelRangeStream(first, Body.Length, chunk, ahead, source.OpenAsync, budget);
        var read = await ReadAllAsync(stream, readSize);
        Assert.Equal(Body, read);
        // Every byte after the first chunk was asked for exactly once, as ranges of one chunk.
        var ranges = source.Asked.OrderBy(r => r.Start).ToList();
        Assert.Equal(Enumerable.Range(1, ranges.Count).Select(i => (long)i * chunk), ranges.Select(r => r.Start));
        Assert.Equal(Body.Length - 1, ranges[^1].End);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task Reads_ahead_in_parallel_within_half_the_budget()
    {
        var source = new RangeSource(Body);
        // 4 MiB budget: read-ahead may hold 2 MiB, i.e. two 1,000,000-byte chunks.
        var budget = new MemoryBudget(4 * MemoryBudget.MiB);
        await using var stream = new ParallelRangeStream(new MemoryStream(Body, writable: false), Body.Length, 1_000_000, 8, source.OpenAsync, budget);
        var buffer = new byte[1000];
        var n = await stream.ReadAsync(buffer);
        Assert.Equal(2, source.Asked.Count);
        Assert.True(budget.InUse <= 2 * MemoryBudget.MiB);
        var rest = await ReadAllAsync(stream, 4096);
        byte[] all = [.. buffer.Take(n), .. rest];
        Assert.Equal(Body, all);
    }

    [Fact]
    public async Task Reads_straight_from_the_range_when_no_memory_is_free()
    {
        var source = new RangeSource(Body);
        var budget = new MemoryBudget(4 * MemoryBudget.MiB);
        using var taken = await budget.RentAsync(2 * (int)MemoryBudget.MiB, CancellationToken.None); // all of it, taken by others
        using var alsoTaken = await budget.RentAsync(2 * (int)MemoryBudget.MiB, CancellationToken.None);
        await using var stream = new ParallelRangeStream(new MemoryStream(Body, writable: false), Body.Length, 1_000_000, 8, source.OpenAsync, budget);
        Assert.Equal(Body, await ReadAllAsync(stream, 65536));
        Assert.Equal(5, source.Asked.Count); // six chunks, the last of 3 bytes
        Assert.Equal(1, source.MaxOpen); // one range at a time, none ahead
        Assert.Equal(4 * MemoryBudget.MiB, budget.InUse);
    }

    [Fact]
    public async Task A_failed_range_fails_the_read_and_frees_its_memory()
    {
        var budget = new MemoryBudget(64 * MemoryBudget.MiB);
        Task<Stream> Open(long start, long end, CancellationToken ct) =>
            start == 2_000_000 ? Task.FromException<Stream>(new IOException("412 the object changed")) : new RangeSource(Body).OpenAsync(start, end, ct);
        var stream = new ParallelRangeStream(new MemoryStream(Body, writable: false), Body.Length, 1_000_000, 4, Open, budget);
        var e = await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream, 65536));
        Assert.Contains("412", e.Message);
        await stream.DisposeAsync();
        Assert.Equal(0, budget.InUse);
    }
}
