using Amazon.S3.Model;

namespace MspMigration.Engine.Stores.S3;

/// <summary>Carries HTTP headers, user metadata and the storage class between the SDK's models and ObjectMetadata.</summary>
internal static class S3MetadataMapper
{
    private const string UserPrefix = "x-amz-meta-";

    public static ObjectMetadata FromResponse(HeadersCollection headers, MetadataCollection? metadata, string? expires, string? storageClass)
    {
        var result = new ObjectMetadata
        {
            ContentType = Blank(headers.ContentType),
            CacheControl = Blank(headers.CacheControl),
            ContentDisposition = Blank(headers.ContentDisposition),
            ContentEncoding = Blank(headers.ContentEncoding),
            // The SDK keeps Expires out of Headers when it parses a response.
            Expires = Blank(expires) ?? Blank(headers["Expires"]),
            StorageClass = S3StorageClasses.Normalize(storageClass),
        };
        if (metadata is not null)
            foreach (var key in metadata.Keys)
            {
                var name = key.StartsWith(UserPrefix, StringComparison.OrdinalIgnoreCase) ? key[UserPrefix.Length..] : key;
                result.UserMetadata[name] = metadata[key];
            }
        return result;
    }

    /// <summary>
    /// Fills the request's headers. The storage class is the task's (<paramref name="taskStorageClass"/>, already
    /// the vendor's own name) when it has one, else the profile's override, else the source's, mapped to the vendor's name.
    /// </summary>
    public static void Apply(ObjectMetadata? metadata, HeadersCollection headers, MetadataCollection userMetadata, S3Vendor vendor,
        string? storageClassOverride, Action<string> setStorageClass, string? taskStorageClass = null)
    {
        if (metadata is not null)
        {
            if (metadata.ContentType is { } ct) headers.ContentType = ct;
            if (metadata.CacheControl is { } cc) headers.CacheControl = cc;
            if (metadata.ContentDisposition is { } cd) headers.ContentDisposition = cd;
            if (metadata.ContentEncoding is { } ce) headers.ContentEncoding = ce;
            if (metadata.Expires is { } ex) headers["Expires"] = ex;
            foreach (var (name, value) in metadata.UserMetadata)
                userMetadata.Add(name, value);
        }
        if (taskStorageClass is not null)
        {
            setStorageClass(taskStorageClass);
            return;
        }
        var neutral = S3StorageClasses.Normalize(storageClassOverride) ?? metadata?.StorageClass;
        // Standard is every bucket's default: leaving it out keeps a bucket-level default in force.
        if (neutral is not null && (storageClassOverride is not null || neutral != "Standard")
            && S3StorageClasses.ToVendor(vendor, neutral) is { } vendorName)
            setStorageClass(vendorName);
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
