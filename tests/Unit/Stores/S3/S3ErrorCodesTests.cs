using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

/// <summary>The documented vendor error codes: retried or given up, with the reason a user groups by.</summary>
public class S3ErrorCodesTests
{
    private static StoreException Map(int status, string code, bool anonymous = false) =>
        S3ErrorMapper.Map(new AmazonS3Exception("refused", ErrorType.Sender, code, "request-1", (HttpStatusCode)status), "'k' in oss://b/", "Reading", anonymous);

    [Theory]
    [InlineData(503, "SlowDown", true, FailureReason.Throttled, false)]
    [InlineData(503, "ServiceUnavailable", true, FailureReason.ServiceError, false)]
    [InlineData(500, "InternalError", true, FailureReason.ServiceError, false)]
    [InlineData(400, "RequestTimeout", true, FailureReason.Timeout, false)]
    [InlineData(403, "RequestTimeTooSkewed", true, FailureReason.ClockSkewed, true)]
    [InlineData(403, "InvalidObjectState", false, FailureReason.SourceArchived, false)]
    [InlineData(400, "KeyTooLong", false, FailureReason.InvalidKey, false)]
    [InlineData(400, "InvalidObjectName", false, FailureReason.InvalidKey, false)]
    [InlineData(400, "EntityTooLarge", false, FailureReason.InvalidRequest, false)]
    [InlineData(403, "AccessDenied", false, FailureReason.AccessDenied, false)]
    [InlineData(404, "NoSuchKey", false, FailureReason.NotFound, false)]
    [InlineData(404, "NoSuchBucket", false, FailureReason.NotFound, true)]
    [InlineData(403, "InvalidAccessKeyId", false, FailureReason.AccessDenied, true)]
    [InlineData(403, "SignatureDoesNotMatch", false, FailureReason.AccessDenied, true)]
    [InlineData(400, "BadDigest", false, FailureReason.IntegrityMismatch, false)]
    public void Documented_codes_are_retried_or_given_up_with_their_reason(int status, string code, bool retried, FailureReason reason, bool storeWide)
    {
        var e = Map(status, code);
        Assert.Equal((retried, reason, storeWide), (e.IsTransient, e.Reason, e.StoreWide));
        Assert.Contains($"{status} {code}", e.Message);
    }

    [Fact]
    public void Codes_are_matched_ignoring_case_and_an_archived_object_is_not_called_access_denied()
    {
        var e = Map(403, "invalidobjectstate");
        Assert.Equal(FailureReason.SourceArchived, e.Reason);
        Assert.DoesNotContain("access denied", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("restore", e.Message);
    }

    [Theory]
    [InlineData(503, "SomethingNew", true, FailureReason.ServiceError)]
    [InlineData(429, "", true, FailureReason.Throttled)]
    [InlineData(408, "", true, FailureReason.Timeout)]
    [InlineData(403, "Forbidden", false, FailureReason.AccessDenied)]
    [InlineData(404, "", false, FailureReason.NotFound)]
    [InlineData(418, "Teapot", false, FailureReason.Other)]
    public void Codes_not_in_the_table_are_read_by_their_status(int status, string code, bool retried, FailureReason reason)
    {
        var e = Map(status, code);
        Assert.Equal((retried, reason, false), (e.IsTransient, e.Reason, e.StoreWide));
    }

    [Fact]
    public void A_refusal_of_an_anonymous_request_says_the_profile_has_no_credentials()
    {
        Assert.Contains("anonymous", Map(403, "AccessDenied", anonymous: true).Message);
        Assert.Contains("anonymous", Map(403, "", anonymous: true).Message);
        Assert.DoesNotContain("anonymous", Map(403, "RequestTimeTooSkewed", anonymous: true).Message);
    }

    [Fact]
    public void Each_code_is_listed_once_and_only_transient_kinds_carry_retry_reasons()
    {
        Assert.Equal(S3ErrorCodes.Table.Count, S3ErrorCodes.Table.Select(c => c.Code.ToLowerInvariant()).Distinct().Count());
        Assert.All(S3ErrorCodes.Table.Where(c => c.Reason is FailureReason.Throttled or FailureReason.Timeout or FailureReason.ServiceError),
            c => Assert.Equal(StoreErrorKind.Transient, c.Kind));
    }

    [Fact]
    public void The_table_in_the_architecture_document_is_this_table()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MspMigration.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var rows = File.ReadAllLines(Path.Combine(dir!.FullName, "docs", "architecture.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length == 8)
            .ToDictionary(c => c[1].Trim('`'), c => c);
        foreach (var code in S3ErrorCodes.Table)
        {
            Assert.True(rows.TryGetValue(code.Code, out var row), $"{code.Code} is missing from docs/architecture.md");
            var expected = (code.Status.ToString(), code.Kind == StoreErrorKind.Transient ? "retried" : "given up", code.Reason.ToString(), code.StoreWide ? "yes" : "");
            Assert.Equal(expected, (row![2], row[4], row[5], row[6]));
        }
        Assert.Equal(S3ErrorCodes.Table.Count, rows.Count(r => r.Value[4] is "retried" or "given up"));
    }
}
