using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Turns SDK and network exceptions into StoreExceptions whose kind decides retrying and whose
/// reason is what the user groups failures by. Service error codes are read from the table of
/// documented codes (<see cref="S3ErrorCodes"/>), then by HTTP status: throttling, 5xx, timeouts
/// and resets are transient; 403, 404 and bad credentials fail at once. Messages name the bucket
/// and key and what to check, never a credential.
/// </summary>
public static class S3ErrorMapper
{
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
                if (S3ErrorCodes.Find(code) is { } known)
                {
                    var says = known.Reason == FailureReason.AccessDenied && !known.StoreWide && anonymous ? Anonymous : known.Says;
                    return new(known.Kind, Message(operation, where, $"{says} ({detail})"), e, known.Reason) { StoreWide = known.StoreWide };
                }
                if (status == 0 && service.InnerException is { } inner && IsNetwork(inner))
                    return new(StoreErrorKind.Transient, Message(operation, where, $"network error ({inner.GetType().Name}: {Redacted(inner.Message)})"), e, NetworkReason(inner));
                return ByStatus(status) is { } byStatus
                    ? new(byStatus.Kind, Message(operation, where, $"{(anonymous && byStatus.Reason == FailureReason.AccessDenied ? Anonymous : byStatus.Says)} ({detail})"), e, byStatus.Reason)
                    : new(StoreErrorKind.Other, Message(operation, where, $"failed ({detail}: {Redacted(service.Message)})"), e);
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

    private const string Anonymous = "access denied to an anonymous request: the credential profile has no credentials " +
        "(neither in agent.toml nor in the environment); add access_key_id and secret_access_key to it";

    /// <summary>A code not in <see cref="S3ErrorCodes"/> (or none, as in a HEAD's answer) is read by its HTTP status.</summary>
    internal static S3ErrorCode? ByStatus(HttpStatusCode status) => (int)status switch
    {
        404 => new("", 404, StoreErrorKind.NotFound, FailureReason.NotFound, false, "not found", ""),
        403 => new("", 403, StoreErrorKind.AccessDenied, FailureReason.AccessDenied, false, "access denied; check the permissions of the credential profile on this bucket", ""),
        412 => new("", 412, StoreErrorKind.SourceChanged, FailureReason.SourceChanged, false, "the source object changed while it was being copied", ""),
        429 => new("", 429, StoreErrorKind.Transient, FailureReason.Throttled, false, "the service asks to slow down", ""),
        408 => new("", 408, StoreErrorKind.Transient, FailureReason.Timeout, false, "the service timed out reading the request", ""),
        >= 500 and <= 599 => new("", (int)status, StoreErrorKind.Transient, FailureReason.ServiceError, false, "the service is busy or failing", ""),
        _ => null,
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
