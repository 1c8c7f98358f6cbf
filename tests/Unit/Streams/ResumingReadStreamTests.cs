using System.Security.Cryptography;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Streams;

namespace MspMigration.Tests.Unit.Streams;

public class ResumingReadStreamTests
{
    private static readonly byte[] Body = [.. Enumerable.Range(0, 1_000_000).Select(i => (byte)(i * 31 + i / 977))];

    /// <summary>A source serving <see cref="Body"/> from any offset whose bodies break after a set number of bytes.</summary>
    private sealed class FlakySource(byte[] body, params int[] breakAfter)
    {
        private int _opened;
        public List<long> Offsets { get; } = [];
        public long BytesServed;

        public Task<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
        {
            Offsets.Add(offset);
            var limit = _opened < breakAfter.Length ? breakAfter[_opened] : int.MaxValue;
            _opened++;
            return Task.FromResult<Stream>(new BreakingStream(this, body, (int)offset, limit));
        }

        private sealed class BreakingStream(FlakySource source, byte[] body, int start, int limit) : ReadOnlyStream
        {
            private int _position = start;
            private int _served;

            public override int Read(Span<byte> buffer)
            {
                if (_served >= limit) throw new IOException("Connection reset by peer");
                var n = Math.Min(Math.Min(buffer.Length, body.Length - _position), limit - _served);
                body.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                _served += n;
                Interlocked.Add(ref source.BytesServed, n);
                return n;
            }

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                ValueTask.FromResult(Read(buffer.Span));
        }
    }

    private static bool Network(Exception e) => e is IOException;

    private static async Task<ResumingReadStream> OpenAsync(FlakySource source, int maxResumes = 3) =>
        new(await source.OpenAsync(0, default), Body.Length, source.OpenAsync, Network, maxResumes);

    [Fact]
    public async Task Continues_each_break_from_the_byte_reached_and_hands_on_every_byte_once()
    {
        var source = new FlakySource(Body, 300_001, 250_000, 7);
        await using var stream = await OpenAsync(source);
        await using var hashing = new HashingReadStream(stream, leaveOpen: true);
        var copy = new MemoryStream();
        await hashing.CopyToAsync(copy, 65_536);

        Assert.Equal(Body, copy.ToArray());
        Assert.Equal(Crc64Xz.Compute(Body), hashing.Crc64);
        Assert.Equal([0L, 300_001L, 550_001L, 550_008L], source.Offsets);
        Assert.Equal(3, stream.Resumes);
        Assert.Equal(Body.Length, source.BytesServed);
    }

    [Fact]
    public async Task Carries_an_MD5_check_across_breaks()
    {
        var source = new FlakySource(Body, 123_457, 400_000);
        await using var checking = new Md5CheckingStream(await OpenAsync(source), MD5.HashData(Body), d => new InvalidDataException(d));
        var copy = new MemoryStream();
        await checking.CopyToAsync(copy, 8192);
        Assert.Equal(Body, copy.ToArray());
    }

    [Fact]
    public async Task Resumes_a_body_that_ends_before_its_length()
    {
        // A connection closed cleanly mid-body reads as an early end, not as an exception.
        var shortBodies = new FlakySource(Body[..600_000]);
        var full = new FlakySource(Body);
        await using var stream = new ResumingReadStream(await shortBodies.OpenAsync(0, default), Body.Length, full.OpenAsync, Network, 3);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Body, copy.ToArray());
        Assert.Equal([600_000L], full.Offsets);
    }

    [Fact]
    public async Task Gives_up_with_the_last_failure_after_breaks_in_a_row_without_progress()
    {
        var source = new FlakySource(Body, 1000, 0, 0, 0, 0);
        await using var stream = await OpenAsync(source, maxResumes: 3);
        var e = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("reset", e.Message);
        Assert.Equal([0L, 1000L, 1000L, 1000L], source.Offsets);
    }

    [Fact]
    public async Task Counts_only_breaks_in_a_row_so_a_slowly_progressing_body_still_completes()
    {
        var source = new FlakySource(Body, [.. Enumerable.Repeat(100_000, 9)]);
        await using var stream = await OpenAsync(source, maxResumes: 1);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Body, copy.ToArray());
        Assert.Equal(9, stream.Resumes);
    }

    [Fact]
    public async Task Does_not_resume_a_failure_it_was_not_told_to()
    {
        var source = new FlakySource(Body, 5000);
        await using var stream = new ResumingReadStream(await source.OpenAsync(0, default), Body.Length, source.OpenAsync, _ => false, 3);
        await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Single(source.Offsets);
    }

    [Fact]
    public async Task Lets_a_failed_reopen_end_the_read_with_its_own_reason()
    {
        // The opener refuses, e.g. because the object changed (412 to If-Match): that is the reason reported.
        var source = new FlakySource(Body, 5000);
        Task<Stream> Refuse(long offset, CancellationToken ct) => throw new InvalidOperationException($"changed at {offset}");
        await using var stream = new ResumingReadStream(await source.OpenAsync(0, default), Body.Length, Refuse, Network, 3);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal("changed at 5000", e.Message);
    }

    [Fact]
    public async Task Asks_for_nothing_more_when_the_break_comes_after_the_last_byte()
    {
        var source = new FlakySource(Body, Body.Length);
        await using var stream = await OpenAsync(source);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Body, copy.ToArray());
        Assert.Single(source.Offsets);
    }

    [Fact]
    public async Task Never_resumes_after_the_caller_cancelled()
    {
        var source = new FlakySource(Body, 5000);
        await using var stream = await OpenAsync(source);
        using var cts = new CancellationTokenSource();
        var buffer = new byte[10_000];
        Assert.Equal(5000, await stream.ReadAsync(buffer, cts.Token));
        await cts.CancelAsync();
        await Assert.ThrowsAsync<IOException>(async () => await stream.ReadExactlyAsync(buffer.AsMemory(0, 1), cts.Token));
        Assert.Single(source.Offsets);
    }

    [Fact]
    public async Task Resumes_synchronous_reads_too()
    {
        var source = new FlakySource(Body, 70_000);
        using var stream = new ResumingReadStream(await source.OpenAsync(0, default), Body.Length, source.OpenAsync, Network, 3);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(Body, copy.ToArray());
        Assert.Equal([0L, 70_000L], source.Offsets);
    }
}
