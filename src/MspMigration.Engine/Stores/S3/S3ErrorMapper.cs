using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Turns SDK and network exceptions into StoreExceptions whose kind decides retrying: throttling,
/// 5xx, timeouts and resets are transient; 403, 404 and bad credentials fail at once. Messages
/// name the bucket and key and what to check, never a credential.
/// </summary>
public static class S3ErrorMapper
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequests", "RequestLimitExceeded",
        "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed", "OperationAborted",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecretId", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed",
    };

    /// <param name="anonymous">The request was unsigned: the profile has no credentials.</param>
    public static StoreException Map(Exception e, string where, string operation, bool anonymous = false)
    {
        if (e is StoreException s) return s;
        // An unknown host will not appear by retrying: say which setting to check.
        if (Find<System.Net.Sockets.SocketException>(e) is { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData })
            return new(StoreErrorKind.Other, Message(operation, where, "the service's host name does not resolve; check the region, endpoint and internal settings of the credential profile"), e) { StoreWide = true };
        if (Find<System.Net.Sockets.SocketException>(e) is { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            return new(StoreErrorKind.Transient, Message(operation, where, "the connection was refused; check the endpoint and that the service is reachable from this machine"), e, FailureReason.ConnectionFailed) { StoreWide = true };
        switch (e)
        {
            case AmazonServiceException service:
            {
                var code = service.ErrorCode ?? "";
                var status = service.StatusCode;
                var detail = $"{(int)status} {code}".Trim();
                if (CredentialCodes.Contains(code))
                    return new(StoreErrorKind.AccessDenied, Message(operation, where, $"the credentials were rejected ({detail}); check the access key id and secret of the credential profile"), e) { StoreWide = true };
                if (code is "NoSuchBucket")
                    return new(StoreErrorKind.NotFound, Message(operation, where, $"the bucket does not exist ({detail}); check the bucket name, region and endpoint"), e) { StoreWide = true };
                if (code is "PermanentRedirect" or "SecondLevelDomainForbidden" or "AuthorizationQueryParametersError" or "InvalidBucketName")
                    return new(StoreErrorKind.Other, Message(operation, where, $"the endpoint or addressing style does not suit this bucket ({detail}); check region, endpoint and force_path_style"), e) { StoreWide = true };
                if (status == HttpStatusCode.NotFound || code is "NoSuchKey" or "NoSuchUpload")
                    return new(StoreErrorKind.NotFound, Message(operation, where, $"not found ({detail})"), e);
                if ((status == HttpStatusCode.Forbidden || code is "AccessDenied") && anonymous)
                    return new(StoreErrorKind.AccessDenied, Message(operation, where, $"access denied ({detail}) to an anonymous request: " +
                        "the credential profile has no credentials (neither in agent.toml nor in the environment); add access_key_id and secret_access_key to it"), e);
                if (status == HttpStatusCode.Forbidden || code is "AccessDenied")
                    return new(StoreErrorKind.AccessDenied, Message(operation, where, $"access denied ({detail}); check the permissions of the credential profile on this bucket"), e);
                // Only reads pinned with If-Match to the version a copy began with ask for this.
                if (status == HttpStatusCode.PreconditionFailed || code is "PreconditionFailed")
                    return new(StoreErrorKind.SourceChanged, Message(operation, where, $"the source object changed while it was being copied ({detail})"), e);
                if (code is "InvalidDigest" or "BadDigest")
                    return new(StoreErrorKind.IntegrityMismatch, Message(operation, where, $"the service found the body damaged in transit ({detail})"), e);
                if (TransientCodes.Contains(code) || (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
                    return new(StoreErrorKind.Transient, Message(operation, where, $"the service is busy or failing ({detail})"), e, BusyReason(code, status));
                if (code is "KeyTooLongError" or "InvalidArgument" or "InvalidURI")
                    return new(StoreErrorKind.InvalidKey, Message(operation, where, $"the service rejected the request ({detail})"), e);
                if (status == 0 && service.InnerException is { } inner && IsNetwork(inner))
                    return new(StoreErrorKind.Transient, Message(operation, where, $"network error ({inner.GetType().Name}: {Redacted(inner.Message)})"), e, NetworkReason(inner));
                return new(StoreErrorKind.Other, Message(operation, where, $"failed ({detail}: {Redacted(service.Message)})"), e);
            }
            case AmazonClientException client when client.InnerException is { } inner && IsNetwork(inner):
                return new(StoreErrorKind.Transient, Message(operation, where, $"network error ({inner.GetType().Name}: {Redacted(inner.Message)})"), e, NetworkReason(inner));
            case AmazonClientException client:
                return new(StoreErrorKind.Other, Message(operation, where, $"the request could not be made ({Redacted(client.Message)})"), e);
            case TimeoutException or TaskCanceledException:
                return new(StoreErrorKind.Transient, Message(operation, where, "timed out"), e, FailureReason.Timeout);
            case var _ when IsNetwork(e):
                return new(StoreErrorKind.Transient, Message(operation, where, $"network error ({e.GetType().Name}: {Redacted(e.Message)})"), e, NetworkReason(e));
            default:
                return new(StoreErrorKind.Other, Message(operation, where, $"{e.GetType().Name}: {Redacted(e.Message)}"), e);
        }
    }

    /// <summary>
    /// Whether a body that failed this way while streaming is worth continuing from the byte reached:
    /// broken connections and time-outs are; a changed source, a damaged body or a refusal are not.
    /// </summary>
    public static bool IsResumable(Exception e) => e switch
    {
        StoreException s => s.Kind == StoreErrorKind.Transient,
        AmazonServiceException or AmazonClientException => IsNetwork(e),
        _ => IsNetwork(e) || e is OperationCanceledException,
    };

    private static FailureReason BusyReason(string code, HttpStatusCode status) => code switch
    {
        "RequestTimeout" => FailureReason.Timeout,
        "RequestTimeTooSkewed" => FailureReason.ClockSkewed,
        "InternalError" or "ServiceUnavailable" or "OperationAborted" => FailureReason.ServiceError,
        _ when TransientCodes.Contains(code) || status is HttpStatusCode.TooManyRequests => FailureReason.Throttled,
        _ when status is HttpStatusCode.RequestTimeout => FailureReason.Timeout,
        _ => FailureReason.ServiceError,
    };

    /// <summary>A stall or time-out anywhere in the chain is a time-out; anything else broke the connection.</summary>
    private static FailureReason NetworkReason(Exception e) =>
        Find<TimeoutException>(e) is not null || Find<TaskCanceledException>(e) is not null ? FailureReason.Timeout : FailureReason.ConnectionFailed;

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }

    private static bool IsNetwork(Exception e) =>
        e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException or TaskCanceledException
        || (e.InnerException is { } inner && IsNetwork(inner));

    private static string Message(string operation, string where, string why) => $"{operation} {where}: {why}.";

    private static string Redacted(string message) => SecretRedactor.Redact(message.Split('\n')[0].Trim());
}
