namespace MspMigration.Engine.Stores;

/// <summary>
/// The object-store port: a bucket (or directory) bound to a prefix. Every key passed in or
/// returned is relative to that prefix. Listings are flat and in UTF-8 byte order, as S3's are.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>A description safe to print: scheme, bucket, prefix; never credentials.</summary>
    string Description { get; }

    /// <summary>What this store can do; the same as its kind declares for its address.</summary>
    StoreCapabilities Capabilities { get; }

    /// <summary>The network address requests go to, for stores reached over a network.</summary>
    string? Endpoint => null;

    Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken);

    /// <summary>Returns null when the object does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes the whole object from <paramref name="content"/>; the object appears atomically or not at all.</summary>
    /// <param name="contentMd5">The MD5 the content must have, when known before it is read (<see cref="ObjectReader.ContentMd5"/>): a store may send it for the service to check and need not hash the body itself.</param>
    Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5,
        CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
