using Microsoft.Win32.SafeHandles;
using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// A source file read with plain blocking reads, also from ReadAsync. On Unix .NET runs every
/// asynchronous file read as a thread-pool work item; for a local copy that is a thread hop per
/// read for no overlap gained, since each worker already owns a pool thread (see AgentHost).
/// </summary>
internal sealed class LocalReadStream(SafeFileHandle handle, long length, string path, bool libc) : ReadOnlyStream
{
    private long _position;

    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = libc ? LinuxFileCalls.Read(handle, buffer, _position, path) : RandomAccess.Read(handle, buffer, _position);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) handle.Dispose();
        base.Dispose(disposing);
    }
}
