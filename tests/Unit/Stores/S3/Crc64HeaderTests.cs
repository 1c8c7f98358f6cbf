using MspMigration.Engine.Integrity;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

public class Crc64HeaderTests
{
    [Fact]
    public void Crc64Xz_has_the_check_value_of_the_xz_variant()
    {
        Assert.Equal(0x995DC9BBDF1939FAUL, Crc64Xz.Compute("123456789"u8));
    }

    [Fact]
    public void Each_vendor_names_its_own_crc64_header()
    {
        Assert.Equal("x-oss-hash-crc64ecma", S3Vendor.Oss.Crc64Header);
        Assert.Equal("x-cos-hash-crc64ecma", S3Vendor.Cos.Crc64Header);
        Assert.Null(S3Vendor.Generic.Crc64Header);
    }

    [Theory]
    [InlineData("11051210869376104954", 0x995DC9BBDF1939FAUL)] // "123456789" as the vendors print it: decimal uint64
    [InlineData(" 0 ", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Parses_the_decimal_header_value(string header, ulong expected)
    {
        Assert.Equal(expected, S3ResponseHeaders.ParseCrc64(header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("0x995DC9BBDF1939FA")]
    [InlineData("18446744073709551616")]
    [InlineData("12,3")]
    public void Rejects_what_is_not_a_decimal_uint64(string? header)
    {
        Assert.Null(S3ResponseHeaders.ParseCrc64(header));
    }

    [Theory]
    [InlineData("x-oss-hash-crc64ecma")]
    [InlineData("x-cos-hash-crc64ecma")]
    public void Reads_the_vendor_header_case_insensitively_from_a_response(string header)
    {
        var vendor = header.Contains("oss") ? S3Vendor.Oss : S3Vendor.Cos;
        var headers = new S3ResponseHeaders();
        var request = new Amazon.S3.Model.GetObjectMetadataRequest { BucketName = "bkt", Key = "k" };
        headers.Record(request, new Dictionary<string, string> { [header.ToUpperInvariant()] = "11051210869376104954" });
        Assert.Equal(0x995DC9BBDF1939FAUL, headers.Crc64(request, vendor));
        // The other vendor's header name is not read.
        Assert.Null(headers.Crc64(request, vendor == S3Vendor.Oss ? S3Vendor.Cos : S3Vendor.Oss));
    }
}
