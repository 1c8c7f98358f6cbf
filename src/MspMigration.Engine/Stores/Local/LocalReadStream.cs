using Microsoft.Win32.SafeHandles;
using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// A source file read with plain blocking reads, also from ReadAsync. On Unix .NET runs every
/// asynchronous file read as a thread-pool work item; for a local copy that is a thread hop per
/// read for no overlap gained, since each worker already owns a pool thread (see AgentHost).
/// After the last byte the file's stamp is taken again: a file rewritten while it was read fails
/// the read (<see cref="StoreErrorKind.SourceChanged"/>) instead of yielding a mix of two versions.
/// </summary>
internal sealed class LocalReadStream(SafeFileHandle handle, FileStamp before, string path, string what, bool libc) : ReadOnlyStream
{
    private long _position;
    private bool _checked;

    public override long Length => before.Size;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = libc ? LinuxFileCalls.Read(handle, buffer, _position, path) : RandomAccess.Read(handle, buffer, _position);
        _position += n;
        // At the announced end (a reader may stop there) or at end of file, whichever comes first.
        if (!_checked && ((n == 0 && !buffer.IsEmpty) || _position >= before.Size)) CheckUnchanged();
        return n;
    }

    private void CheckUnchanged()
    {
        _checked = true;
        var after = libc ? LinuxFileCalls.Stamp(path) : FileStamp.Of(path);
        var difference = after is { } now ? FileStamp.Difference(before, now) : "removed";
        if (difference is not null)
            throw new StoreException(StoreErrorKind.SourceChanged, $"{what} changed while it was being read ({difference}); the copy was discarded.");
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
