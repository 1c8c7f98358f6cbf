using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// <c>oss://bucket/prefix</c>, <c>cos://name-appid/prefix</c>, <c>s3://bucket/prefix</c>: one kind
/// for every S3-compatible service, a scheme per <see cref="S3Vendor"/>.
/// </summary>
public sealed class S3StoreKind : IStoreKind
{
    public static readonly S3StoreKind Instance = new();

    private S3StoreKind() { }

    public IReadOnlyList<string> Schemes { get; } = [.. S3Vendor.All.Select(v => v.Scheme)];
    public bool TakesPlainPaths => false;
    public string Example => string.Join(", ", S3Vendor.All.Select(v => $"{v.Scheme}://bucket/prefix"));

    /// <summary>S3 sets modification times itself; reads resume with ranged GETs (S3Reader).</summary>
    public static StoreCapabilities CapabilitiesOf(S3Vendor vendor) =>
        new(Writable: true, ListsSizesAndTimes: true, KeepsModificationTimes: false, vendor.Hash, RangedReads: true);

    public StoreLocation Parse(string scheme, string rest, string text, string parameterName)
    {
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no bucket.", text);
        return new StoreLocation(Vendor(scheme).Scheme, bucket, prefix);
    }

    public string Format(StoreLocation location) => $"{location.Scheme}://{location.Bucket}/{location.Prefix}";

    public string? WithAbsolutePaths(string rest, Func<string, string> resolvePath) => null;

    public StoreCapabilities Capabilities(StoreLocation location) => CapabilitiesOf(Vendor(location.Scheme));

    public IReadOnlyList<string> ValidateSource(StoreLocation location)
    {
        ValidateBucket(location);
        return [];
    }

    public void ValidateDestination(StoreLocation location) => ValidateBucket(location);

    public IObjectStore Open(StoreLocation location, CredentialProfile? profile, StoreOpenOptions options)
    {
        var vendor = ValidateBucket(location);
        return new S3ObjectStore(S3StoreSettings.From(vendor, profile, stall: options.Stall), location.Bucket, location.Prefix,
            onRetry: options.OnRetry, storageClass: options.StorageClass, buffers: options.Buffers);
    }

    /// <summary>OSS, COS and S3 all restore through the S3 RestoreObject call (<see cref="S3ObjectStore"/>).</summary>
    public void CheckRestoreArchived(StoreLocation location) { }

    /// <summary>The vendor's own class names, or the neutral ones (Standard, IA, ...) mapped to them.</summary>
    public string CheckStorageClass(StoreLocation location, string storageClass)
    {
        var vendor = Vendor(location.Scheme);
        return S3StorageClasses.ForVendor(vendor, storageClass)
            ?? throw new MigrationException("StorageClassInvalid", MigrationErrorKind.InvalidArgument,
                $"'{storageClass}' is not a storage class of {vendor.DisplayName}. Valid: {string.Join(", ", vendor.AcceptedStorageClasses)}; " +
                $"or {string.Join(", ", S3StorageClasses.Neutral)}.", storageClass);
    }

    /// <summary>
    /// The service is the endpoint's host and port when this machine can resolve the profile, else
    /// the scheme and profile name: a profile this machine does not know stands for its endpoint,
    /// so equal names compare as one service.
    /// </summary>
    public StorePlace Place(StoreLocation location, string? profileName, CredentialProfile? profile)
    {
        var service = $"{location.Scheme}:profile:{profileName}";
        if (profileName is null || profile is not null)
        {
            try
            {
                if (S3StoreSettings.From(Vendor(location.Scheme), profile).ResolveEndpoint() is { } endpoint
                    && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
                    service = $"{uri.Host}:{uri.Port}";
            }
            catch (MigrationException)
            {
                // An incomplete profile is reported where it is used; here it only names the service.
            }
        }
        return new StorePlace(Service: service, Bucket: location.Bucket, Prefix: location.Prefix);
    }

    private static S3Vendor ValidateBucket(StoreLocation location)
    {
        var vendor = Vendor(location.Scheme);
        if (S3BucketNames.Problem(vendor, location.Bucket) is { } problem)
            throw new MigrationException("InvalidBucketName", MigrationErrorKind.InvalidArgument,
                $"'{location.Bucket}' is not a valid bucket name: {problem}.", location.Bucket);
        return vendor;
    }

    private static S3Vendor Vendor(string scheme) =>
        S3Vendor.ForScheme(scheme) ?? throw new InvalidOperationException($"'{scheme}' is not an S3 vendor's scheme.");
}
