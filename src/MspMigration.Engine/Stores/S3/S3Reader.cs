using System.Net;
using Amazon.Runtime.Internal.Util;
using Amazon.S3;
using Amazon.S3.Model;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Stores.S3;

/// <summary>HEAD and streaming GET: what the service says about an object, its CRC-64 header included.</summary>
internal sealed class S3Reader(AmazonS3Client client, S3Resilience resilience, S3ResponseHeaders headers, S3Vendor vendor,
    string bucket, string prefix, string description)
{
    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var request = new GetObjectMetadataRequest { BucketName = bucket, Key = prefix + key };
        try
        {
            var response = await resilience.RunAsync("Reading the metadata of", Where(key),
                ct => client.GetObjectMetadataAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, response.ContentLength, S3Lister.ToOffset(response.LastModified), response.ETag,
                headers.Crc64(request, vendor));
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound && e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } s
                                        && s.ErrorCode is not "NoSuchBucket")
        {
            return null;
        }
    }

    public async Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = prefix + key };
        // Only the request and its headers are retried here; a failure while streaming the body
        // surfaces as an IOException and the copier starts the object again.
        var response = await resilience.RunAsync("Reading", Where(key),
            ct => client.GetObjectAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var info = new ObjectInfo(key, response.ContentLength, S3Lister.ToOffset(response.LastModified), response.ETag,
            headers.Crc64(request, vendor));
        var metadata = S3MetadataMapper.FromResponse(response.Headers, response.Metadata, response.ExpiresString, response.StorageClass?.Value);
        return new ObjectReader(new ResponseStream(response, Body(key, response)), info, metadata);
    }

    private string Where(string key) => $"'{Printable.Key(key)}' in {description}";

    /// <summary>
    /// Where the ETag is an MD5 of the object, the SDK checks the body against it with its own
    /// managed MD5, which took a third of the agent's CPU on large objects; the same check is made
    /// here with the platform's MD5 instead.
    /// </summary>
    private Stream Body(string key, GetObjectResponse response)
    {
        if (response.ResponseStream is not HashStream { ExpectedHash: { Length: 16 } expected } sdkCheck) return response.ResponseStream;
        return new Md5CheckingStream(sdkCheck.GetNonWrapperBaseStream(), expected, detail =>
            new StoreException(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' read from {description} failed: {detail}."));
    }

    /// <summary>The body stream, which also releases the response (and its connection) when disposed.</summary>
    private sealed class ResponseStream(GetObjectResponse response, Stream body) : ReadOnlyStream
    {
        private readonly Stream _inner = body;

        public override long Length => response.ContentLength;
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}
