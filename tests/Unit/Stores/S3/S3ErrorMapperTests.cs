using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

public class S3ErrorMapperTests
{
    private static AmazonS3Exception Service(HttpStatusCode status, string code) =>
        new("refused", ErrorType.Sender, code, "request-1", status);

    [Fact]
    public void A_refused_If_Match_is_a_changed_source_named_as_such()
    {
        var e = S3ErrorMapper.Map(Service(HttpStatusCode.PreconditionFailed, "PreconditionFailed"), "'k' in s3://b/", "Resuming at byte 5 the read of");
        Assert.Equal(StoreErrorKind.SourceChanged, e.Kind);
        Assert.False(e.IsTransient); // the request itself is not repeated: the object starts again
        Assert.Contains("changed while it was being copied", e.Message);
        Assert.Contains("412", e.Message);
    }

    [Fact]
    public void Only_broken_connections_and_time_outs_are_resumed()
    {
        Assert.True(S3ErrorMapper.IsResumable(new IOException("The response ended prematurely")));
        Assert.True(S3ErrorMapper.IsResumable(new HttpRequestException("reset", new IOException("Connection reset by peer"))));
        Assert.True(S3ErrorMapper.IsResumable(new TimeoutException()));
        Assert.True(S3ErrorMapper.IsResumable(new OperationCanceledException()));
        Assert.True(S3ErrorMapper.IsResumable(new StoreException(StoreErrorKind.Transient, "stalled")));
        Assert.False(S3ErrorMapper.IsResumable(new StoreException(StoreErrorKind.SourceChanged, "changed")));
        Assert.False(S3ErrorMapper.IsResumable(new StoreException(StoreErrorKind.IntegrityMismatch, "MD5")));
        Assert.False(S3ErrorMapper.IsResumable(Service(HttpStatusCode.Forbidden, "AccessDenied")));
        Assert.False(S3ErrorMapper.IsResumable(new InvalidDataException("bad")));
    }
}
