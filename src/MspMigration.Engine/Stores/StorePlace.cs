namespace MspMigration.Engine.Stores;

/// <summary>
/// Where a store keeps what it reads or writes, so that a source and a destination can be checked
/// for overlap (<see cref="StoreOverlap"/>) without knowing their kinds. Set what applies:
/// a folder on this machine holding the objects; a file the store reads (a URL list); or a
/// network service (as host:port, or a stand-in naming scheme and profile) with a bucket and key prefix.
/// </summary>
public sealed record StorePlace(string? Folder = null, string? File = null, string? Service = null, string? Bucket = null, string Prefix = "");
