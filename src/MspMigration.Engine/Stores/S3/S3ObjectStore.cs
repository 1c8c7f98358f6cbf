using Amazon.S3;
using Amazon.S3.Model;
using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// A bucket of Alibaba Cloud OSS, Tencent Cloud COS or any S3-compatible service, bound to a
/// prefix, through AWSSDK.S3. The vendor profile (<see cref="S3Vendor"/>) holds what differs.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IRestorableStore
{
    private readonly AmazonS3Client _client;
    private readonly S3Resilience _resilience;
    private readonly S3Lister _lister;
    private readonly S3Reader _reader;
    private readonly S3Writer _writer;
    private readonly S3Restorer _restorer;
    private readonly string _bucket;
    private readonly string _prefix;

    /// <param name="storageClass">The task's destination storage class, as the vendor spells it (see S3StoreKind.CheckStorageClass).</param>
    /// <param name="buffers">The memory that part buffers and read-ahead ranges draw from; null: a default budget of this store's own.</param>
    public S3ObjectStore(S3StoreSettings settings, string bucket, string prefix, TimeSpan? retryBaseDelay = null, Action<Exception>? onRetry = null,
        string? storageClass = null, MemoryBudget? buffers = null)
    {
        buffers ??= new MemoryBudget(MemoryBudget.DefaultMegabytes * MemoryBudget.MiB);
        _bucket = bucket;
        _prefix = prefix;
        Settings = settings;
        var headers = new S3ResponseHeaders();
        _client = S3ClientFactory.Create(settings, headers);
        _resilience = new S3Resilience(settings.MaxAttempts, retryBaseDelay, anonymous: settings.AccessKeyId is null, onRetry);
        Endpoint = settings.ResolveEndpoint();
        Capabilities = S3StoreKind.CapabilitiesOf(settings.Vendor);
        Description = $"{settings.Vendor.Scheme}://{bucket}/{prefix} at {Endpoint}";
        _lister = new S3Lister(_client, _resilience, bucket, prefix, Description);
        _reader = new S3Reader(_client, _resilience, headers, settings, buffers, bucket, prefix, Description);
        _writer = new S3Writer(_client, _resilience, headers, settings, buffers, bucket, prefix, Description, storageClass);
        _restorer = new S3Restorer(_client, _resilience, bucket, prefix, Description);
    }

    public S3StoreSettings Settings { get; }
    public string Description { get; }
    public string? Endpoint { get; }
    public StoreCapabilities Capabilities { get; }

    public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken) =>
        _lister.ListAsync(startAfter, maxKeys, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => _reader.HeadAsync(key, cancellationToken);

    public Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken) => _reader.OpenReadAsync(key, cancellationToken);

    /// <summary>S3 sets the modification time itself; <paramref name="lastModified"/> cannot be carried.</summary>
    public Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified,
        byte[]? contentMd5, CancellationToken cancellationToken) => _writer.PutAsync(key, content, length, metadata, contentMd5, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _resilience.RunAsync("Deleting", $"'{Printable.Key(key)}' in {Description}",
            ct => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = _prefix + key }, ct), cancellationToken);

    public Task<RestoreState> GetRestoreStateAsync(string key, CancellationToken cancellationToken) => _restorer.GetStateAsync(key, cancellationToken);

    public Task RequestRestoreAsync(string key, int days, CancellationToken cancellationToken) => _restorer.RequestAsync(key, days, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
