using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Transfer;

/// <summary>Asks the bandwidth limiter for every byte before handing it on.</summary>
internal sealed class ThrottledReadStream(Stream inner, TaskLimiter limiter) : Stream
{
    // Small reads keep a slow limit smooth; large ones cost nothing when the limit is high.
    private const int MaxChunk = 64 * 1024;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
