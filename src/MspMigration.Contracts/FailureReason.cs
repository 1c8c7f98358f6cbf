namespace MspMigration;

/// <summary>
/// Why an object failed, in a word that stays the same from one object to the next (the message
/// beside it names the key), so that failures can be grouped and counted. Journaled by name.
/// </summary>
public enum FailureReason
{
    /// <summary>Recorded before reasons were kept, or not known.</summary>
    Unknown,
    /// <summary>The source object (or its bucket, list entry or file) does not exist.</summary>
    NotFound,
    /// <summary>The service or file system refused access (403, 401, permissions, rejected credentials).</summary>
    AccessDenied,
    /// <summary>The key cannot be stored at the destination (too long, a name a file system cannot hold).</summary>
    InvalidKey,
    /// <summary>Size or checksum of the bytes read did not match the source or the destination.</summary>
    IntegrityMismatch,
    /// <summary>The source object changed while it was being read, on every attempt.</summary>
    SourceChanged,
    /// <summary>The source object is in an archive storage class and not restored (403 InvalidObjectState).</summary>
    SourceArchived,
    /// <summary>No byte moved for the stall time, or the service gave no answer in time.</summary>
    Timeout,
    /// <summary>The service asked to slow down (503 SlowDown, 429, vendor throttling codes) past every attempt.</summary>
    Throttled,
    /// <summary>Connections were reset, refused or ended early.</summary>
    ConnectionFailed,
    /// <summary>The service failed (5xx other than throttling).</summary>
    ServiceError,
    /// <summary>The service refused the request's time: the agent's clock differs too much from the service's.</summary>
    ClockSkewed,
    /// <summary>The service refused the request as invalid for this object (its size, its headers, its state).</summary>
    InvalidRequest,
    /// <summary>Anything else; the message says what.</summary>
    Other,
}
