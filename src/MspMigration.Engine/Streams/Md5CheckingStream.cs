using System.Security.Cryptography;

namespace MspMigration.Engine.Streams;

/// <summary>
/// Passes a body through while hashing it with MD5, and fails if the digest is not the one
/// expected (an S3 ETag of a single-part object is the MD5 of its bytes). With the body's
/// <paramref name="length"/> known, the read that completes it fails before handing those last
/// bytes on: a consumer streaming the body into a request never sends it whole, so a destination
/// cannot store a damaged body even if it does not check Content-MD5 itself. Otherwise the read
/// that reaches the end fails.
/// </summary>
public sealed class Md5CheckingStream(Stream inner, byte[] expected, Func<string, Exception> mismatch, long? length = null) : ReadOnlyStream
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long _read;
    private bool _checked;

    public override long Length => inner.Length;

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, n);
    }

    private int Account(Span<byte> buffer, int n)
    {
        if (n > 0)
        {
            _md5.AppendData(buffer[..n]);
            _read += n;
            if (_read == length) Check();
        }
        else if (buffer.Length > 0) Check();
        return n;
    }

    private void Check()
    {
        if (_checked) return;
        _checked = true;
        var actual = _md5.GetHashAndReset();
        if (!actual.AsSpan().SequenceEqual(expected))
            throw mismatch($"MD5 of the bytes read is {Convert.ToHexStringLower(actual)}, the ETag says {Convert.ToHexStringLower(expected)}");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _md5.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
