namespace MspMigration.Engine.Stores;

/// <summary>One object as a listing or a HEAD reports it. Keys are relative to the store's prefix.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string? ETag = null, ulong? Crc64 = null);

/// <summary>One page of a flat listing. <see cref="NextStartAfter"/> is null once the listing is complete.</summary>
public sealed record ObjectPage(IReadOnlyList<ObjectInfo> Objects, string? NextStartAfter);

/// <summary>What a store reports after a write.</summary>
public sealed record PutResult(long Size, ulong? Crc64, string? ETag);

/// <summary>HTTP-style metadata carried from source to destination where both stores support it.</summary>
public sealed class ObjectMetadata
{
    public string? ContentType { get; set; }
    public string? CacheControl { get; set; }
    public string? ContentDisposition { get; set; }
    public string? ContentEncoding { get; set; }
    public string? Expires { get; set; }
    public string? StorageClass { get; set; }
    public Dictionary<string, string> UserMetadata { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An open source object: the content stream plus what the store said about it.</summary>
public sealed class ObjectReader : IAsyncDisposable
{
    /// <param name="contentMd5">The MD5 of the content where the store knows it before the read (an S3 single-part ETag); the content stream fails if its bytes do not have it.</param>
    public ObjectReader(Stream content, ObjectInfo info, ObjectMetadata? metadata = null, byte[]? contentMd5 = null)
    {
        Content = content;
        Info = info;
        Metadata = metadata ?? new ObjectMetadata();
        ContentMd5 = contentMd5;
    }

    public Stream Content { get; }
    public ObjectInfo Info { get; }
    public ObjectMetadata Metadata { get; }
    public byte[]? ContentMd5 { get; }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
