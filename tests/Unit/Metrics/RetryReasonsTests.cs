using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Metrics;

public class RetryReasonsTests
{
    private static AmazonS3Exception Service(string code, HttpStatusCode status) => new("x") { ErrorCode = code, StatusCode = status };

    [Theory]
    [InlineData("SlowDown", HttpStatusCode.ServiceUnavailable, RetryReasons.Throttled)]
    [InlineData("", HttpStatusCode.TooManyRequests, RetryReasons.Throttled)]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, RetryReasons.ServerError)]
    [InlineData("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, RetryReasons.ServerError)]
    [InlineData("RequestTimeout", HttpStatusCode.BadRequest, RetryReasons.Timeout)]
    public void S3_service_answers(string code, HttpStatusCode status, string reason)
    {
        Assert.Equal(reason, RetryReasons.Of(S3ErrorMapper.Map(Service(code, status), "'k' in b", "GET")));
    }

    [Fact]
    public void Network_failures_and_time_outs_underneath()
    {
        var reset = S3ErrorMapper.Map(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionReset)), "'k'", "GET");
        Assert.Equal(RetryReasons.Network, RetryReasons.Of(reset));
        var stalled = S3ErrorMapper.Map(new TimeoutException("abandoned"), "'k'", "GET");
        Assert.Equal(RetryReasons.Timeout, RetryReasons.Of(stalled));
        Assert.Equal(RetryReasons.Network, RetryReasons.Of(new IOException("cut short")));
    }

    [Fact]
    public void Integrity_and_changed_sources_by_kind()
    {
        Assert.Equal(RetryReasons.Integrity, RetryReasons.Of(new StoreException(StoreErrorKind.IntegrityMismatch, "crc")));
        Assert.Equal(RetryReasons.SourceChanged, RetryReasons.Of(new StoreException(StoreErrorKind.SourceChanged, "moved")));
    }

    [Fact]
    public void Anything_else_is_other_never_a_new_label()
    {
        Assert.Equal(RetryReasons.Other, RetryReasons.Of(new StoreException(StoreErrorKind.Transient, "listing failed")));
        Assert.Equal(RetryReasons.Other, RetryReasons.Of(new InvalidOperationException()));
        Assert.Equal(7, RetryReasons.All.Count);
    }
}
