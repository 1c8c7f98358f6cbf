namespace MspMigration.Engine.Stores;

/// <summary>Why a store operation failed; decides whether the engine retries.</summary>
public enum StoreErrorKind
{
    NotFound,
    AccessDenied,
    InvalidKey,
    /// <summary>Worth retrying: throttling, 5xx, timeouts, connection resets.</summary>
    Transient,
    /// <summary>
    /// The object changed while it was being read (a later read pinned to the first one's version
    /// was refused): worth retrying from the start, which copies the new version whole.
    /// </summary>
    SourceChanged,
    IntegrityMismatch,
    Other,
}

/// <summary>A store failure. The message names the store and key, never credentials.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public StoreErrorKind Kind { get; }
    public bool IsTransient => Kind == StoreErrorKind.Transient;
}
