namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// What one error code of an S3-compatible service means to a migration: retried or given up
/// (<see cref="Kind"/>: only <see cref="StoreErrorKind.Transient"/> is retried by the request
/// layer), the reason a user groups the failure by, whether it is the whole store's rather than
/// one object's, and what the message tells the user to check.
/// </summary>
public sealed record S3ErrorCode(string Code, int Status, StoreErrorKind Kind, FailureReason Reason, bool StoreWide, string Says, string Vendors);

/// <summary>
/// The error codes Amazon S3, Alibaba Cloud OSS and Tencent Cloud COS document, as data: one row
/// per code, read by <see cref="S3ErrorMapper"/>. docs/architecture.md ("Vendor error codes")
/// shows this table with the vendors' pages it comes from; a unit test keeps the two alike.
/// Codes are matched ignoring case. A code not listed falls back to its HTTP status
/// (<see cref="S3ErrorMapper"/>).
/// </summary>
public static class S3ErrorCodes
{
    private const string All = "S3, OSS, COS";

    public static readonly IReadOnlyList<S3ErrorCode> Table =
    [
        // Throttling: the service asks for fewer requests; backing off is the answer.
        new("SlowDown", 503, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3, COS"),
        new("TooManyRequests", 429, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3-compatible"),
        new("Throttling", 503, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3-compatible"),
        new("ThrottlingException", 400, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3-compatible"),
        new("RequestThrottled", 503, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3-compatible"),
        new("RequestLimitExceeded", 503, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", "S3-compatible"),
        // Failing or busy for a moment.
        new("InternalError", 500, StoreErrorKind.Transient, FailureReason.ServiceError, false, "the service failed", All),
        new("ServiceUnavailable", 503, StoreErrorKind.Transient, FailureReason.ServiceError, false, "the service is unavailable", All),
        new("OperationAborted", 409, StoreErrorKind.Transient, FailureReason.ServiceError, false, "a conflicting operation is in progress", "S3, COS"),
        new("RequestTimeout", 400, StoreErrorKind.Transient, FailureReason.Timeout, false, "the service timed out reading the request", "S3, OSS, COS"),
        // The agent's clock is off by more than the 15 minutes a signature may be: every request
        // of this agent meets it, so the task is held back (and fails after give_up_seconds) rather
        // than each object failing; fixing the clock lets it go on.
        new("RequestTimeTooSkewed", 403, StoreErrorKind.Transient, FailureReason.ClockSkewed, true,
            "the agent's clock differs from the service's by more than 15 minutes; set this machine's clock (NTP)", All),
        // Given up at once: not this request's bad luck.
        new("AccessDenied", 403, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, false, "access denied; check the permissions of the credential profile on this bucket", All),
        new("InvalidObjectState", 403, StoreErrorKind.Other, FailureReason.SourceArchived, false,
            "the object is in an archive storage class (Archive, ColdArchive, DeepColdArchive, ARCHIVE, DEEP_ARCHIVE) and not restored; restore it at the source, then retry the failed objects", All),
        new("NoSuchKey", 404, StoreErrorKind.NotFound, FailureReason.NotFound, false, "not found", All),
        new("NoSuchUpload", 404, StoreErrorKind.NotFound, FailureReason.NotFound, false, "the multipart upload is gone", All),
        new("KeyTooLong", 400, StoreErrorKind.InvalidKey, FailureReason.InvalidKey, false, "the key is too long for this service", "COS"),
        new("KeyTooLongError", 400, StoreErrorKind.InvalidKey, FailureReason.InvalidKey, false, "the key is too long for this service", "S3"),
        new("InvalidObjectName", 400, StoreErrorKind.InvalidKey, FailureReason.InvalidKey, false, "the service does not accept this key (1 to 1,023 bytes of UTF-8, not starting with / or \\)", "OSS"),
        new("InvalidURI", 400, StoreErrorKind.InvalidKey, FailureReason.InvalidKey, false, "the service does not accept this key", "S3, COS"),
        new("EntityTooLarge", 400, StoreErrorKind.Other, FailureReason.InvalidRequest, false, "the object is larger than the service accepts", All),
        new("InvalidArgument", 400, StoreErrorKind.Other, FailureReason.InvalidRequest, false, "the service rejected the request", All),
        new("PreconditionFailed", 412, StoreErrorKind.SourceChanged, FailureReason.SourceChanged, false, "the source object changed while it was being copied", All),
        // Ranges are only asked for within the size the first answer gave: one that is no longer
        // there means the object changed (a service that checks the range before If-Match).
        new("InvalidRange", 416, StoreErrorKind.SourceChanged, FailureReason.SourceChanged, false, "the source object changed while it was being copied (a range within its first size is no longer there)", All),
        new("InvalidDigest", 400, StoreErrorKind.IntegrityMismatch, FailureReason.IntegrityMismatch, false, "the service found the body damaged in transit", "S3, OSS, COS"),
        new("BadDigest", 400, StoreErrorKind.IntegrityMismatch, FailureReason.IntegrityMismatch, false, "the service found the body damaged in transit", All),
        // The whole store: every object would meet it.
        new("NoSuchBucket", 404, StoreErrorKind.NotFound, FailureReason.NotFound, true, "the bucket does not exist; check the bucket name, region and endpoint", All),
        new("InvalidAccessKeyId", 403, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, All),
        new("SignatureDoesNotMatch", 403, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, All),
        new("InvalidSecretId", 403, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, "COS"),
        new("InvalidToken", 400, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, "S3"),
        new("ExpiredToken", 400, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, "S3, COS"),
        new("AuthorizationHeaderMalformed", 400, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, true, Credentials, "S3"),
        new("PermanentRedirect", 301, StoreErrorKind.Other, FailureReason.Other, true, Addressing, "S3"),
        new("SecondLevelDomainForbidden", 403, StoreErrorKind.Other, FailureReason.Other, true, Addressing, "OSS"),
        new("AuthorizationQueryParametersError", 400, StoreErrorKind.Other, FailureReason.Other, true, Addressing, "S3"),
        new("InvalidBucketName", 400, StoreErrorKind.Other, FailureReason.Other, true, Addressing, All),
    ];

    private const string Credentials = "the credentials were rejected; check the access key id and secret of the credential profile";
    private const string Addressing = "the endpoint or addressing style does not suit this bucket; check region, endpoint and force_path_style";

    private static readonly Dictionary<string, S3ErrorCode> ByCode = Table.ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);

    public static S3ErrorCode? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var c) ? c : null;
}
