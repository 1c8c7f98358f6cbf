using System.Text;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Streams;

namespace MspMigration.Tests.Unit.Integrity;

public class Crc64XzTests
{
    [Fact]
    public void Check_value_is_the_crc64_xz_one() =>
        Assert.Equal(0x995DC9BBDF1939FAUL, Crc64Xz.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Empty_input_hashes_to_zero() => Assert.Equal(0UL, Crc64Xz.Compute([]));

    [Fact]
    public void Differs_from_the_default_crc64_variant()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        Assert.NotEqual(System.IO.Hashing.Crc64.HashToUInt64(data), Crc64Xz.Compute(data));
    }

    [Theory]
    [InlineData("11051210869376104954", true, 11051210869376104954UL)]
    [InlineData(" 42 ", true, 42UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData("0x99", false, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData(null, false, 0UL)]
    [InlineData("18446744073709551616", false, 0UL)]
    public void Parses_the_decimal_header_form(string? header, bool ok, ulong expected)
    {
        Assert.Equal(ok, Crc64Xz.TryParseHeader(header, out var crc));
        Assert.Equal(expected, crc);
    }

    [Fact]
    public async Task Hashing_stream_sees_every_byte_in_any_chunking()
    {
        var data = new byte[1_000_003];
        new Random(7).NextBytes(data);
        await using var hashing = new HashingReadStream(new MemoryStream(data));
        var buffer = new byte[4099];
        while (await hashing.ReadAsync(buffer) > 0) { }
        Assert.Equal(data.Length, hashing.BytesRead);
        Assert.Equal(Crc64Xz.Compute(data), hashing.Crc64);
    }
}
