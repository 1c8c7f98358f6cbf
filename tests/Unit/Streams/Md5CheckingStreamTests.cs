using System.Security.Cryptography;
using MspMigration.Engine.Streams;

namespace MspMigration.Tests.Unit.Streams;

public class Md5CheckingStreamTests
{
    private static readonly byte[] Body = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];

    private static Md5CheckingStream Over(byte[] body, byte[] expected) =>
        new(new MemoryStream(body), expected, detail => new InvalidDataException(detail));

    [Fact]
    public async Task Passes_a_body_whose_digest_matches()
    {
        await using var stream = Over(Body, MD5.HashData(Body));
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 4096);
        Assert.Equal(Body, copy.ToArray());
    }

    [Fact]
    public async Task Fails_the_read_that_reaches_the_end_of_a_damaged_body()
    {
        var damaged = (byte[])Body.Clone();
        damaged[123_456] ^= 1;
        await using var stream = Over(damaged, MD5.HashData(Body));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains(Convert.ToHexStringLower(MD5.HashData(Body)), e.Message);
        Assert.Contains(Convert.ToHexStringLower(MD5.HashData(damaged)), e.Message);
    }

    [Fact]
    public async Task With_its_length_known_fails_before_handing_on_the_last_bytes_of_a_damaged_body()
    {
        // A PUT streaming this body must never have sent it whole: the service could store it.
        var damaged = (byte[])Body.Clone();
        damaged[299_999] ^= 1;
        await using var stream = new Md5CheckingStream(new MemoryStream(damaged), MD5.HashData(Body), d => new InvalidDataException(d), Body.Length);
        var passed = new MemoryStream();
        await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(passed, 4096));
        Assert.True(passed.Length < Body.Length, $"{passed.Length} of {Body.Length} bytes were handed on");
    }

    [Fact]
    public async Task With_its_length_known_passes_a_good_body_whole()
    {
        await using var stream = new Md5CheckingStream(new MemoryStream(Body), MD5.HashData(Body), d => new InvalidDataException(d), Body.Length);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 4096);
        Assert.Equal(Body, copy.ToArray());
    }

    [Fact]
    public void Checks_an_empty_body_too()
    {
        using var good = Over([], MD5.HashData([]));
        Assert.Equal(0, good.Read(new byte[16]));
        using var bad = Over([], MD5.HashData(Body));
        Assert.Throws<InvalidDataException>(() => bad.Read(new byte[16]));
    }
}
