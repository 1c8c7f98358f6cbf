namespace MspMigration.Engine.Stores;

/// <summary>Why a store operation failed; decides whether the engine retries.</summary>
public enum StoreErrorKind
{
    NotFound,
    AccessDenied,
    InvalidKey,
    /// <summary>Worth retrying: throttling, 5xx, timeouts, connection resets.</summary>
    Transient,
    IntegrityMismatch,
    /// <summary>
    /// The source object changed while it was read (a local file's identity or times moved, or a
    /// read pinned to the first response's ETag was refused): the bytes may mix two versions.
    /// Retried from the start, which copies the new version whole.
    /// </summary>
    SourceChanged,
    Other,
}

/// <summary>
/// What a transient failure was, as far as the store can tell: the agent's metrics count retries
/// by it. A few stable values, so a dashboard's series stay few.
/// </summary>
public enum TransientCause
{
    /// <summary>Not told by the store: judged from the exception (time-out, network, or other).</summary>
    Unknown,
    /// <summary>The service asked us to slow down (429, SlowDown and its kin).</summary>
    Throttled,
    /// <summary>The service failed (5xx other than throttling).</summary>
    ServerError,
    Timeout,
    Network,
}

/// <summary>A store failure. The message names the store and key, never credentials.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public StoreErrorKind Kind { get; }
    public bool IsTransient => Kind == StoreErrorKind.Transient;

    /// <summary>For a transient failure, what it was where the store knows (see <see cref="TransientCause"/>).</summary>
    public TransientCause Cause { get; init; }

    /// <summary>
    /// The failure is the whole store's, not one object's: the endpoint cannot be reached, the
    /// bucket does not exist, the credentials are rejected. The agent then holds the task back
    /// (or fails it) instead of failing every object in turn.
    /// </summary>
    public bool StoreWide { get; init; }
}
