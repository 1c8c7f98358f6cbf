using System.Net;
using Amazon.S3;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

public class S3VendorRulesTests
{
    [Theory]
    [InlineData("oss", "photos-src", true)]
    [InlineData("oss", "Photos", false)]
    [InlineData("oss", "a", false)]
    [InlineData("cos", "photos-1250000000", true)]
    [InlineData("cos", "photos", false)]
    [InlineData("s3", "my.bucket-1", true)]
    [InlineData("s3", "my..bucket", false)]
    public void Bucket_names_follow_each_vendors_rule(string scheme, string bucket, bool valid)
    {
        Assert.Equal(valid, S3BucketNames.Problem(S3Vendor.ForScheme(scheme)!, bucket) is null);
    }

    [Fact]
    public void A_bad_bucket_name_fails_task_validation_with_a_stable_id()
    {
        var e = Assert.Throws<MigrationException>(() => StoreFactory.ValidateDestination(StoreLocation.Parse("cos://photos/x", "Destination")));
        Assert.Equal("InvalidBucketName", e.ErrorId);
        Assert.Equal("photos", e.Target);
    }

    [Theory]
    [InlineData("IA", "cos", "STANDARD_IA")]
    [InlineData("STANDARD_IA", "oss", "STANDARD_IA")]
    [InlineData("Archive", "cos", "ARCHIVE")]
    [InlineData("ARCHIVE", "oss", "GLACIER")]
    [InlineData("DeepColdArchive", "cos", "DEEP_ARCHIVE")]
    public void Storage_classes_map_between_vendors(string from, string toScheme, string expected)
    {
        Assert.Equal(expected, S3StorageClasses.ToVendor(S3Vendor.ForScheme(toScheme)!, S3StorageClasses.Normalize(from)));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown", StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, "", StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied", StoreErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.Forbidden, "InvalidAccessKeyId", StoreErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", StoreErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.NotFound, "NoSuchKey", StoreErrorKind.NotFound)]
    [InlineData(HttpStatusCode.NotFound, "NoSuchBucket", StoreErrorKind.NotFound)]
    public void Service_errors_map_to_kinds_that_decide_retrying(HttpStatusCode status, string code, StoreErrorKind kind)
    {
        var e = new AmazonS3Exception("message") { StatusCode = status, ErrorCode = code };
        var mapped = S3ErrorMapper.Map(e, "'a/b.txt' in cos://bkt-1250000000/", "Reading");
        Assert.Equal(kind, mapped.Kind);
        Assert.Contains("'a/b.txt' in cos://bkt-1250000000/", mapped.Message);
    }

    [Fact]
    public void Network_failures_are_transient_and_unknown_hosts_are_not()
    {
        Assert.True(S3ErrorMapper.Map(new HttpRequestException("reset", new IOException("Connection reset by peer")), "x", "Reading").IsTransient);
        var dns = new HttpRequestException("nope", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
        var mapped = S3ErrorMapper.Map(dns, "x", "Reading");
        Assert.False(mapped.IsTransient);
        Assert.Contains("does not resolve", mapped.Message);
    }
}
