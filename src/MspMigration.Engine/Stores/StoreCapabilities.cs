namespace MspMigration.Engine.Stores;

/// <summary>What a store can tell about an object's bytes without reading them.</summary>
public enum HashKind
{
    /// <summary>Nothing beyond the size: the copier's own CRC-64 of the bytes read is the only hash.</summary>
    None,
    /// <summary>The service's CRC-64/XZ of every object, in a response header (OSS, COS).</summary>
    Crc64,
    /// <summary>The ETag of a single-part, unencrypted object is its MD5 (S3).</summary>
    Md5ETag,
}

/// <summary>
/// What a store declares it can do, so that callers ask the store instead of inferring it from a
/// scheme name (in the spirit of rclone's optional features). Each kind declares its own in its
/// folder; <see cref="IStoreKind.Capabilities"/> answers for an address before a store is opened.
/// </summary>
/// <param name="Writable">It can be a destination (put and delete).</param>
/// <param name="ListsSizesAndTimes">A listing carries real sizes and modification times, so filters on them work at listing time.</param>
/// <param name="KeepsModificationTimes">A write keeps the source's modification time (otherwise the store sets its own).</param>
/// <param name="Hash">What the store reports that the bytes read can be checked against.</param>
/// <param name="RangedReads">Reads can start at an offset, so a broken body can be read on from where it broke.</param>
public sealed record StoreCapabilities(bool Writable, bool ListsSizesAndTimes, bool KeepsModificationTimes, HashKind Hash, bool RangedReads);
