using System.Net;
using Amazon.Runtime.Internal.Util;
using Amazon.S3;
using Amazon.S3.Model;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Limits;
using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// HEAD and streaming GET: what the service says about an object, its CRC-64 header included. A
/// body that breaks continues with a ranged GET pinned to the first response's ETag (If-Match).
/// An object above the multipart threshold is read as several such ranges at once
/// (<see cref="ParallelRangeStream"/>), each pinned and resumed alike.
/// </summary>
internal sealed class S3Reader(AmazonS3Client client, S3Resilience resilience, S3ResponseHeaders headers, S3StoreSettings settings,
    MemoryBudget budget, string bucket, string prefix, string description)
{
    private readonly S3Vendor vendor = settings.Vendor;
    private readonly int maxResumes = settings.MaxAttempts;

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
        // Only the request and its headers are retried by the resilience layer; a body that breaks
        // while streaming continues from the byte reached (ResumingReadStream).
        var response = await resilience.RunAsync("Reading", Where(key),
            ct => client.GetObjectAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var info = new ObjectInfo(key, response.ContentLength, S3Lister.ToOffset(response.LastModified), response.ETag,
            headers.Crc64(request, vendor));
        var metadata = S3MetadataMapper.FromResponse(response.Headers, response.Metadata, response.ExpiresString, response.StorageClass?.Value);
        var md5 = response.ResponseStream is HashStream { ExpectedHash: { Length: 16 } expected } ? expected : null;
        Stream body = new ResponseStream(response, RawBody(response));
        // The rest of the body may come only from the version the first response was: with no
        // ETag to pin it by, a break starts the object again instead.
        if (!string.IsNullOrEmpty(response.ETag))
        {
            var (etag, length) = (response.ETag, response.ContentLength);
            if (length > settings.MultipartThreshold && settings.RangeConcurrency > 1)
            {
                // The open body serves the first range; a break there resumes only up to its end.
                var firstEnd = Math.Min(settings.PartSize, length) - 1;
                body = new ResumingReadStream(body, firstEnd + 1, (offset, ct) => ReopenAsync(key, etag, offset, firstEnd, length, ct),
                    S3ErrorMapper.IsResumable, maxResumes);
                body = new ParallelRangeStream(body, length, settings.PartSize, settings.RangeConcurrency - 1,
                    (start, end, ct) => OpenRangeAsync(key, etag, start, end, length, ct), budget);
            }
            else
                body = new ResumingReadStream(body, length, (offset, ct) => ReopenAsync(key, etag, offset, length - 1, length, ct),
                    S3ErrorMapper.IsResumable, maxResumes);
        }
        // Hashing above the resuming stream carries the MD5 (and the copier's CRC-64) across breaks.
        if (md5 is not null)
            body = new Md5CheckingStream(body, md5, detail =>
                new StoreException(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' read from {description} failed: {detail}."),
                info.Size);
        return new ObjectReader(body, info, metadata, md5);
    }

    /// <summary>The bytes <paramref name="start"/> to <paramref name="end"/> of version <paramref name="etag"/>, resumed where they break.</summary>
    private async Task<Stream> OpenRangeAsync(string key, string etag, long start, long end, long length, CancellationToken cancellationToken)
    {
        var first = await ReopenAsync(key, etag, start, end, length, cancellationToken, $"Reading bytes {start}-{end} of").ConfigureAwait(false);
        return new ResumingReadStream(first, end - start + 1, (offset, ct) => ReopenAsync(key, etag, start + offset, end, length, ct),
            S3ErrorMapper.IsResumable, maxResumes);
    }

    /// <summary>The bytes <paramref name="offset"/> to <paramref name="end"/>, only if the object is still the version <paramref name="etag"/>.</summary>
    private async Task<Stream> ReopenAsync(string key, string etag, long offset, long end, long length, CancellationToken cancellationToken,
        string? operation = null)
    {
        var request = new GetObjectRequest
        {
            BucketName = bucket, Key = prefix + key, ByteRange = new ByteRange(offset, end), EtagToMatch = etag,
        };
        operation ??= $"Resuming at byte {offset} the read of";
        var response = await resilience.RunAsync(operation, Where(key),
            ct => client.GetObjectAsync(request, ct), cancellationToken).ConfigureAwait(false);
        // A service that ignores If-Match would hand over another version's bytes: check what it says it sent.
        string? why = null;
        var kind = StoreErrorKind.SourceChanged;
        if (!string.Equals(response.ETag, etag, StringComparison.Ordinal))
            why = $"the source object changed while it was being copied (ETag {etag} became {response.ETag})";
        else if (response.ContentRange != $"bytes {offset}-{end}/{length}")
            (why, kind) = ($"the service did not answer the ranged read (Content-Range '{response.ContentRange}', wanted bytes {offset}-{end}/{length})",
                StoreErrorKind.Transient);
        if (why is null) return new ResponseStream(response, RawBody(response));
        response.Dispose();
        throw new StoreException(kind, $"{operation} {Where(key)}: {why}.");
    }

    private string Where(string key) => $"'{Printable.Key(key)}' in {description}";

    /// <summary>
    /// Where the ETag is an MD5 of the object, the SDK checks the body against it with its own
    /// managed MD5, which took a third of the agent's CPU on large objects; the same check is made
    /// over the whole (resumed) body with the platform's MD5 instead.
    /// </summary>
    private static Stream RawBody(GetObjectResponse response) =>
        response.ResponseStream is HashStream sdkCheck ? sdkCheck.GetNonWrapperBaseStream() : response.ResponseStream;

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
