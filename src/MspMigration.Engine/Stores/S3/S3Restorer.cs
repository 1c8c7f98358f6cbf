using Amazon.S3;
using Amazon.S3.Model;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Restores of archived objects through the S3 API, which OSS and COS expose too: RestoreObject
/// asks, and a HEAD's x-amz-restore (ongoing-request="true"/"false") tells where it stands.
/// </summary>
internal sealed class S3Restorer(AmazonS3Client client, S3Resilience resilience, string bucket, string prefix, string description)
{
    public async Task<RestoreState> GetStateAsync(string key, CancellationToken cancellationToken)
    {
        var request = new GetObjectMetadataRequest { BucketName = bucket, Key = prefix + key };
        GetObjectMetadataResponse response;
        try
        {
            response = await resilience.RunAsync("Reading the restore state of", Where(key),
                ct => client.GetObjectMetadataAsync(request, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            return RestoreState.Missing;
        }
        if (response.RestoreInProgress == true) return RestoreState.InProgress;
        if (response.RestoreExpiration is not null) return RestoreState.Readable;
        // No restore header: archived unless its class is one that reads at once (GLACIER_IR is instant).
        var raw = response.StorageClass?.Value;
        var archived = S3StorageClasses.Normalize(raw) is "Archive" or "ColdArchive" or "DeepArchive"
                       && !string.Equals(raw, "GLACIER_IR", StringComparison.OrdinalIgnoreCase);
        return archived ? RestoreState.NotRequested : RestoreState.Readable;
    }

    public Task RequestAsync(string key, int days, CancellationToken cancellationToken) =>
        resilience.RunAsync("Restoring", Where(key), async ct =>
        {
            try
            {
                await client.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = prefix + key, Days = days }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "RestoreAlreadyInProgress")
            {
                // Asked before (by this agent, another one, or the operator): the restore runs on.
            }
            return true;
        }, cancellationToken);

    private string Where(string key) => $"'{Printable.Key(key)}' in {description}";
}
