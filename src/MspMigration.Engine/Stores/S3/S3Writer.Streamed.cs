using Amazon.S3.Model;

namespace MspMigration.Engine.Stores.S3;

/// <summary>The single PUT that streams a source body through unbuffered (see <see cref="S3Writer"/>).</summary>
internal sealed partial class S3Writer
{
    /// <summary>
    /// One PUT of the source body as it is read, with the source's MD5 as Content-MD5. Not retried
    /// here: the body is consumed (the SDK's own retries are off too, S3ClientFactory).
    /// </summary>
    private async Task<PutResult> PutStreamedAsync(string key, Stream content, long length, ObjectMetadata? metadata, byte[] md5,
        CancellationToken cancellationToken)
    {
        // Only called over HTTPS, where the body goes unsigned (UNSIGNED-PAYLOAD); the source stream stays the copier's.
        var request = NewPut(key, content, length, md5, metadata);
        PutObjectResponse response;
        try
        {
            response = await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The source's own failure (a damaged or broken body) says more than the aborted request.
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is StoreException source) throw source;
            throw S3ErrorMapper.Map(e, Where(key), "Writing", settings.AccessKeyId is null);
        }
        await EnsureEndAsync(key, content, length, length, cancellationToken).ConfigureAwait(false);
        CheckETag(key, response.ETag, md5, "the object");
        return new PutResult(length, headers.Crc64(request, settings.Vendor), response.ETag);
    }
}
