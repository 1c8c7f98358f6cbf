using System.Security.Cryptography;

namespace MspMigration.Engine.Streams;

/// <summary>
/// Passes a body through while hashing it with MD5, and fails the read that reaches its end if
/// the digest is not the one expected (an S3 ETag of a single-part object is the MD5 of its bytes).
/// </summary>
public sealed class Md5CheckingStream(Stream inner, byte[] expected, Func<string, Exception> mismatch) : ReadOnlyStream
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
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
        if (n > 0) _md5.AppendData(buffer[..n]);
        else if (!_checked && buffer.Length > 0)
        {
            _checked = true;
            var actual = _md5.GetHashAndReset();
            if (!actual.AsSpan().SequenceEqual(expected))
                throw mismatch($"MD5 of the bytes read is {Convert.ToHexStringLower(actual)}, the ETag says {Convert.ToHexStringLower(expected)}");
        }
        return n;
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
