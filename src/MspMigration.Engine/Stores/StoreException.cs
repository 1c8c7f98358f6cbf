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

/// <summary>A store failure. The message names the store and key, never credentials.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null, FailureReason? reason = null) : base(message, inner)
    {
        Kind = kind;
        Reason = reason ?? ReasonOf(kind);
    }

    public StoreErrorKind Kind { get; }

    /// <summary>
    /// What a user groups failures by. The kind decides retrying; the reason says more where the
    /// place that knows the failure can tell (throttled or timed out, both transient).
    /// </summary>
    public FailureReason Reason { get; }
    public bool IsTransient => Kind == StoreErrorKind.Transient;

    /// <summary>
    /// The failure is the whole store's, not one object's: the endpoint cannot be reached, the
    /// bucket does not exist, the credentials are rejected. The agent then holds the task back
    /// (or fails it) instead of failing every object in turn.
    /// </summary>
    public bool StoreWide { get; init; }

    private static FailureReason ReasonOf(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound => FailureReason.NotFound,
        StoreErrorKind.AccessDenied => FailureReason.AccessDenied,
        StoreErrorKind.InvalidKey => FailureReason.InvalidKey,
        StoreErrorKind.IntegrityMismatch => FailureReason.IntegrityMismatch,
        StoreErrorKind.SourceChanged => FailureReason.SourceChanged,
        _ => FailureReason.Other,
    };
}
