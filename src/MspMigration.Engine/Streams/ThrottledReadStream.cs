using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Streams;

/// <summary>Asks the bandwidth limiter for every byte before handing it on.</summary>
internal sealed class ThrottledReadStream(Stream inner, TaskLimiter limiter) : ReadOnlyStream
{
    // Small reads keep a slow limit smooth; large ones cost nothing when the limit is high.
    private const int MaxChunk = 64 * 1024;

    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, MaxChunk)], cancellationToken).ConfigureAwait(false);
        if (n > 0) await limiter.AcquireBytesAsync(n, cancellationToken).ConfigureAwait(false);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
