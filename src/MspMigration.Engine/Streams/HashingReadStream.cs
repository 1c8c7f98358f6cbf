using System.IO.Hashing;
using MspMigration.Engine.Integrity;

namespace MspMigration.Engine.Streams;

/// <summary>Counts and CRC-64/XZ-hashes every byte read through it, so verification costs no second pass.</summary>
public sealed class HashingReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly Crc64 _crc = Crc64Xz.Create();
    private readonly bool _leaveOpen;
    private readonly Action<long>? _onRead;

    public HashingReadStream(Stream inner, bool leaveOpen = false, Action<long>? onRead = null)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _onRead = onRead;
    }

    public long BytesRead { get; private set; }
    public ulong Crc64 => _crc.GetCurrentHashAsUInt64();

    public override long Length => _inner.Length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        _crc.Append(data);
        BytesRead += data.Length;
        _onRead?.Invoke(data.Length);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
