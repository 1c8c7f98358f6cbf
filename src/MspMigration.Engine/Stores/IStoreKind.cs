using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores;

/// <summary>How a store opens: the agent's settings that apply to every kind.</summary>
/// <param name="Stall">The agent's stall_seconds: how long a request may move no byte before it is retried.</param>
/// <param name="Durable">Writes are flushed to disk before they are reported done (agent.toml fsync).</param>
/// <param name="OnRetry">Told of each request a store sends again after a transient failure (the agent's metrics count them).</param>
/// <param name="Buffers">The agent's memory for transfer buffers, shared by all its stores; null gives the store a default budget of its own.</param>
/// <param name="StorageClass">The task's destination storage class, as <see cref="IStoreKind.CheckStorageClass"/> returned it.</param>
public sealed record StoreOpenOptions(TimeSpan? Stall = null, bool Durable = true, Action<Exception>? OnRetry = null, string? StorageClass = null,
    Limits.MemoryBudget? Buffers = null);

/// <summary>
/// One kind of store, registered once in <see cref="StoreKinds"/>: everything the engine needs to
/// know about an address of this kind lives behind this interface, in the kind's own folder, so
/// that nothing else names a scheme.
/// </summary>
public interface IStoreKind
{
    /// <summary>The schemes this kind answers to, lower case; the first is the one written back.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>True for the one kind a plain path (no <c>scheme://</c>) means.</summary>
    bool TakesPlainPaths { get; }

    /// <summary>What an address of this kind looks like, for help and error messages.</summary>
    string Example { get; }

    /// <summary>Parses what follows <c>scheme://</c> (<paramref name="rest"/>); <paramref name="text"/> is the whole address, for errors.</summary>
    StoreLocation Parse(string scheme, string rest, string text, string parameterName);

    /// <summary>The canonical text of a location, as the control plane stores it.</summary>
    string Format(StoreLocation location);

    /// <summary>
    /// The address (<paramref name="rest"/> follows <c>scheme://</c>) with its file path made absolute
    /// by <paramref name="resolvePath"/> (the caller's current folder, which need not be the
    /// process's); null when it holds no file path to resolve.
    /// </summary>
    string? WithAbsolutePaths(string rest, Func<string, string> resolvePath);

    /// <summary>What a store at this location can do, known before it is opened.</summary>
    StoreCapabilities Capabilities(StoreLocation location);

    /// <summary>Checks what can be checked without credentials; throws for a bad source, returns warnings.</summary>
    IReadOnlyList<string> ValidateSource(StoreLocation location);

    /// <summary>Checks what can be checked without credentials; throws for a bad destination.</summary>
    void ValidateDestination(StoreLocation location);

    /// <summary>Where a store at this location keeps its objects, with the profile that locates a network service.</summary>
    StorePlace Place(StoreLocation location, string? profileName, CredentialProfile? profile);

    /// <summary>
    /// The storage class objects written here are given (a task's -StorageClass), in the spelling the
    /// service takes; throws StorageClassInvalid for a name the service does not know. A kind without
    /// storage classes refuses every name.
    /// </summary>
    string CheckStorageClass(StoreLocation location, string storageClass) =>
        throw new MigrationException("StorageClassNotSupported", MigrationErrorKind.InvalidArgument,
            $"Storage class '{storageClass}' cannot apply to {location}: it keeps no storage classes. -StorageClass is for object-storage destinations.",
            storageClass);

    /// <summary>
    /// Throws RestoreNotSupported unless a source here can restore archived objects (a task's
    /// -RestoreArchived); a kind that can opens stores implementing <see cref="IRestorableStore"/>.
    /// </summary>
    void CheckRestoreArchived(StoreLocation location) =>
        throw new MigrationException("RestoreNotSupported", MigrationErrorKind.InvalidArgument,
            $"{location} keeps no archived objects to restore: -RestoreArchived is for oss://, cos:// and s3:// sources.", location.ToString());

    /// <summary>Opens the store with the credential profile the agent resolved (null: the environment's, or none).</summary>
    IObjectStore Open(StoreLocation location, CredentialProfile? profile, StoreOpenOptions options);
}
