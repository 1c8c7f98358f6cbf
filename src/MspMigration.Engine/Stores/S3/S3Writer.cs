using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Writes an object from a forward-only stream without temporary files: a single PUT up to the
/// multipart threshold, above it a multipart upload whose parts are read in turn and uploaded in
/// parallel from pooled buffers (memory: at most part size x part concurrency per object, and all
/// buffers of the agent within its <see cref="MemoryBudget"/>). Every body carries Content-MD5 so
/// the service rejects a body damaged on the way, and a returned MD5 ETag is compared too.
/// Over HTTPS a single PUT whose MD5 the source already told (a single-part S3 ETag) streams the
/// source body straight through with that MD5: no buffer, no second hash; it cannot be resent, so
/// a failure goes back to the copier, which reads the object again. Any other body is buffered, so
/// that a retry can resend it, and hashed here, natively; the SDK's own MD5 of every body (managed
/// code, a third of the agent's CPU on large objects) is switched off as it would hash the same
/// bytes again for the same check. For the same reason the body is not signed with SHA-256 as well
/// (UNSIGNED-PAYLOAD) over HTTPS, where Content-MD5 and TLS protect it. Over plain HTTP the SDK
/// refuses an unsigned body and, to sign a body it cannot read twice, switches to aws-chunked
/// framing that OSS, COS and s3rver do not decode: there every body is buffered.
/// </summary>
internal sealed partial class S3Writer(AmazonS3Client client, S3Resilience resilience, S3ResponseHeaders headers, S3StoreSettings settings,
    MemoryBudget budget, string bucket, string prefix, string description, string? taskStorageClass = null)
{
    public const int MaxParts = 10_000;
    private readonly bool? _unsignedPayload = settings.ResolveEndpoint()!.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? true : null;

    public Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, byte[]? contentMd5,
        CancellationToken cancellationToken) =>
        length > settings.MultipartThreshold ? PutMultipartAsync(key, content, length, metadata, cancellationToken)
        : contentMd5 is { Length: 16 } && _unsignedPayload == true ? PutStreamedAsync(key, content, length, metadata, contentMd5, cancellationToken)
        : PutSingleAsync(key, content, length, metadata, cancellationToken);

    /// <summary>The part size for an object: the configured one, grown so that the object fits in 10,000 parts.</summary>
    public static long PartSizeFor(long length, long configured)
    {
        var needed = (length + MaxParts - 1) / MaxParts;
        needed = (needed + S3StoreSettings.MiB - 1) / S3StoreSettings.MiB * S3StoreSettings.MiB;
        return Math.Max(configured, needed);
    }

    private async Task<PutResult> PutSingleAsync(string key, Stream content, long length, ObjectMetadata? metadata, CancellationToken cancellationToken)
    {
        var rented = await budget.RentAsync((int)length, cancellationToken).ConfigureAwait(false);
        var buffer = rented.Array;
        try
        {
            var n = await FillAsync(content, buffer, (int)length, cancellationToken).ConfigureAwait(false);
            await EnsureEndAsync(key, content, n, length, cancellationToken).ConfigureAwait(false);
            var md5 = MD5.HashData(buffer.AsSpan(0, n));
            PutObjectRequest? sent = null;
            var response = await resilience.RunAsync("Writing", Where(key), ct =>
            {
                var request = NewPut(key, new MemoryStream(buffer, 0, n, writable: false), n, md5, metadata);
                sent = request;
                return client.PutObjectAsync(request, ct);
            }, cancellationToken).ConfigureAwait(false);
            CheckETag(key, response.ETag, md5, "the object");
            return new PutResult(n, headers.Crc64(sent!, settings.Vendor), response.ETag);
        }
        finally
        {
            rented.Dispose();
        }
    }

    /// <summary>A PutObject of <paramref name="body"/> with Content-MD5, without the SDK's own checksum or aws-chunked framing.</summary>
    private PutObjectRequest NewPut(string key, Stream body, long length, byte[] md5, ObjectMetadata? metadata)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = prefix + key,
            InputStream = body,
            AutoCloseStream = body is MemoryStream,
            UseChunkEncoding = false,
            MD5Digest = Convert.ToBase64String(md5),
            DisableDefaultChecksumValidation = true,
            DisablePayloadSigning = _unsignedPayload,
        };
        request.Headers.ContentLength = length;
        S3MetadataMapper.Apply(metadata, request.Headers, request.Metadata, settings.Vendor, settings.StorageClass, c => request.StorageClass = c, taskStorageClass);
        return request;
    }

    private async Task<PutResult> PutMultipartAsync(string key, Stream content, long length, ObjectMetadata? metadata, CancellationToken cancellationToken)
    {
        var fullKey = prefix + key;
        var partSize = PartSizeFor(length, settings.PartSize);
        var parallel = settings.PartConcurrency;
        await AbortStaleUploadsAsync(fullKey, cancellationToken).ConfigureAwait(false);

        var initiate = await resilience.RunAsync("Starting a multipart upload of", Where(key), ct =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = bucket, Key = fullKey };
            S3MetadataMapper.Apply(metadata, request.Headers, request.Metadata, settings.Vendor, settings.StorageClass, c => request.StorageClass = c, taskStorageClass);
            return client.InitiateMultipartUploadAsync(request, ct);
        }, cancellationToken).ConfigureAwait(false);
        var uploadId = initiate.UploadId;

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(parallel);
        var uploads = new List<Task<PartETag>>();
        try
        {
            long total = 0;
            for (var partNumber = 1; total < length; partNumber++)
            {
                await slots.WaitAsync(failFast.Token).ConfigureAwait(false);
                var size = (int)Math.Min(partSize, length - total);
                BudgetBuffer buffer;
                try
                {
                    buffer = await budget.RentAsync(size, failFast.Token).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                int n;
                try
                {
                    n = await FillAsync(content, buffer.Array, size, failFast.Token).ConfigureAwait(false);
                }
                catch
                {
                    ReturnPart(buffer, slots);
                    throw;
                }
                total += n;
                if (n < size)
                {
                    ReturnPart(buffer, slots);
                    await EnsureEndAsync(key, content, total, length, failFast.Token).ConfigureAwait(false);
                }
                uploads.Add(UploadPartAsync(key, uploadId, partNumber, buffer, n, slots, failFast));
            }
            await EnsureEndAsync(key, content, total, length, failFast.Token).ConfigureAwait(false);
            var parts = await Task.WhenAll(uploads).ConfigureAwait(false);

            CompleteMultipartUploadRequest? sent = null;
            await resilience.RunAsync("Completing the multipart upload of", Where(key), ct =>
            {
                sent = new CompleteMultipartUploadRequest { BucketName = bucket, Key = fullKey, UploadId = uploadId, PartETags = [.. parts] };
                return client.CompleteMultipartUploadAsync(sent, ct);
            }, cancellationToken).ConfigureAwait(false);
            // A multipart ETag is not an MD5 of the object; the size and, where the vendor
            // reports it, the CRC-64 of the assembled object are what verify it.
            var head = new GetObjectMetadataRequest { BucketName = bucket, Key = fullKey };
            var stored = await resilience.RunAsync("Checking", Where(key), ct => client.GetObjectMetadataAsync(head, ct), cancellationToken)
                .ConfigureAwait(false);
            var crc = headers.Crc64(sent!, settings.Vendor) ?? headers.Crc64(head, settings.Vendor);
            return new PutResult(stored.ContentLength, crc, stored.ETag);
        }
        catch (Exception e)
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(uploads).ConfigureAwait(false); } catch { /* reported below */ }
            await AbortAsync(fullKey, uploadId).ConfigureAwait(false);
            // A failed part cancels the reading loop; report the part's failure, not that cancellation.
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                && uploads.FirstOrDefault(t => t.IsFaulted && t.Exception?.InnerException is not OperationCanceledException) is { } failed)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
            throw;
        }
    }

    private static void ReturnPart(BudgetBuffer buffer, SemaphoreSlim slots)
    {
        buffer.Dispose();
        slots.Release();
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, BudgetBuffer part, int length,
        SemaphoreSlim slots, CancellationTokenSource failFast)
    {
        var buffer = part.Array;
        try
        {
            var md5 = MD5.HashData(buffer.AsSpan(0, length));
            var response = await resilience.RunAsync($"Writing part {partNumber} of", Where(key), ct => client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = prefix + key,
                UploadId = uploadId,
                PartNumber = partNumber,
                PartSize = length,
                InputStream = new MemoryStream(buffer, 0, length, writable: false),
                UseChunkEncoding = false,
                MD5Digest = Convert.ToBase64String(md5),
                DisableDefaultChecksumValidation = true,
                DisablePayloadSigning = _unsignedPayload,
            }, ct), failFast.Token).ConfigureAwait(false);
            CheckETag(key, response.ETag, md5, $"part {partNumber}");
            return new PartETag(partNumber, response.ETag);
        }
        catch
        {
            // One failed part dooms the upload: stop reading and sending the others.
            await failFast.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ReturnPart(part, slots);
        }
    }

    /// <summary>
    /// A crashed earlier attempt at this key may have left an upload behind; segments are leased
    /// to one agent at a time, so any upload of this exact key now is such a leftover.
    /// </summary>
    private async Task AbortStaleUploadsAsync(string fullKey, CancellationToken cancellationToken)
    {
        try
        {
            var list = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = fullKey }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var upload in list.MultipartUploads ?? [])
                if (upload.Key == fullKey)
                    await AbortAsync(fullKey, upload.UploadId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort: not every S3-compatible service lists uploads; a lifecycle rule that
            // aborts incomplete uploads is the fallback (see docs/architecture.md).
        }
    }

    private async Task AbortAsync(string fullKey, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await resilience.RunAsync("Aborting the multipart upload of", $"'{Printable.Key(fullKey)}'", ct =>
                client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = fullKey, UploadId = uploadId }, ct),
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the object's failure is what gets reported.
        }
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < count)
        {
            var n = await content.ReadAsync(buffer.AsMemory(total, count - total), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>The stream must hold exactly the announced length: fewer or more bytes fail the object.</summary>
    private static async Task EnsureEndAsync(string key, Stream content, long read, long length, CancellationToken cancellationToken)
    {
        if (read < length)
            throw new StoreException(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' failed: the source ended after {read} of {length} bytes.");
        var probe = new byte[1];
        if (await content.ReadAsync(probe, cancellationToken).ConfigureAwait(false) > 0)
            throw new StoreException(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' failed: the source sent more than the {length} bytes it announced.");
    }

    private static void CheckETag(string key, string? etag, byte[] md5, string what)
    {
        var plain = etag?.Trim('"');
        if (plain is not { Length: 32 } || !plain.All(Uri.IsHexDigit)) return; // not an MD5 (encrypted buckets, some services)
        if (!string.Equals(plain, Convert.ToHexString(md5), StringComparison.OrdinalIgnoreCase))
            throw new StoreException(StoreErrorKind.IntegrityMismatch,
                $"Verification of '{Printable.Key(key)}' failed: the service stored {what} with MD5 {plain}, the bytes sent have {Convert.ToHexStringLower(md5)}.");
    }

    private string Where(string key) => $"'{Printable.Key(key)}' in {description}";
}
