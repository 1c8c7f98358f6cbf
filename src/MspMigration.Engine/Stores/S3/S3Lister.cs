using Amazon.S3;
using Amazon.S3.Model;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Flat listing (no delimiter: delimiter listings of some services omit prefixes) in pages of
/// ListObjectsV2 with start-after, so a checkpointed cursor is just the last key seen.
/// </summary>
internal sealed class S3Lister(AmazonS3Client client, S3Resilience resilience, string bucket, string prefix, string description)
{
    public async Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request
        {
            BucketName = bucket,
            Prefix = prefix.Length == 0 ? null : prefix,
            StartAfter = startAfter is null ? null : prefix + startAfter,
            MaxKeys = Math.Clamp(maxKeys, 1, 1000),
        };
        var response = await resilience.RunAsync("Listing", description,
            ct => client.ListObjectsV2Async(request, ct), cancellationToken).ConfigureAwait(false);
        var objects = new List<ObjectInfo>(response.S3Objects?.Count ?? 0);
        foreach (var o in response.S3Objects ?? [])
        {
            if (!o.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var key = o.Key[prefix.Length..];
            if (key.Length == 0) continue; // the prefix itself as a folder marker is not an object under it
            objects.Add(new ObjectInfo(key, o.Size ?? 0, ToOffset(o.LastModified), o.ETag));
        }
        var truncated = response.IsTruncated == true && response.S3Objects is { Count: > 0 };
        var last = response.S3Objects is { Count: > 0 } all ? all[^1].Key[Math.Min(prefix.Length, all[^1].Key.Length)..] : null;
        return new ObjectPage(objects, truncated ? last : null);
    }

    internal static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
}
