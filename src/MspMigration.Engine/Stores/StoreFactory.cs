using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores;

/// <summary>
/// Opens and validates stores through their kinds; what holds for every kind (a destination
/// must be writable) is checked here once, from the kind's declared capabilities.
/// </summary>
public static class StoreFactory
{
    /// <param name="stall">The agent's stall_seconds: how long a request may move no byte before it is retried.</param>
    /// <param name="durable">Local destinations flush what they write before reporting it written (agent.toml fsync).</param>
    /// <param name="onRetry">Told of each request sent again after a transient failure, by stores that retry requests themselves.</param>
    /// <param name="buffers">The agent's memory budget for transfer buffers ([agent] memory_mb), shared by its stores.</param>
    /// <param name="storageClass">The task's destination storage class, checked by <see cref="IStoreKind.CheckStorageClass"/>.</param>
    public static IObjectStore Open(StoreLocation location, CredentialProfile? profile, TimeSpan? stall = null, bool durable = true,
        Action<Exception>? onRetry = null, string? storageClass = null, Limits.MemoryBudget? buffers = null) =>
        location.Kind.Open(location, profile, new StoreOpenOptions(stall, durable, onRetry, storageClass, buffers));

    /// <summary>Checks, at task creation, what can be checked without credentials; returns warnings for the operator.</summary>
    public static IReadOnlyList<string> ValidateSource(StoreLocation location) => location.Kind.ValidateSource(location);

    public static void ValidateDestination(StoreLocation location)
    {
        if (!location.Capabilities.Writable)
            throw new MigrationException("DestinationReadOnly", MigrationErrorKind.InvalidArgument,
                $"{location} can be read only; it cannot be the destination.", location.ToString());
        location.Kind.ValidateDestination(location);
    }
}
