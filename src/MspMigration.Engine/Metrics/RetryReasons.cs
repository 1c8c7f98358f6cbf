using System.Net.Sockets;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Metrics;

/// <summary>
/// The label a retry is counted under: a handful of stable values, whatever the store, so that a
/// fleet's dashboards keep few series and a new kind of failure never adds one.
/// </summary>
public static class RetryReasons
{
    public const string Throttled = "throttled";
    public const string ServerError = "server_error";
    public const string Timeout = "timeout";
    public const string Network = "network";
    public const string Integrity = "integrity";
    public const string SourceChanged = "source_changed";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Throttled, ServerError, Timeout, Network, Integrity, SourceChanged, Other];

    public static string Of(Exception e)
    {
        if (e is StoreException s)
        {
            switch (s.Reason)
            {
                case FailureReason.Throttled: return Throttled;
                case FailureReason.ServiceError: return ServerError;
                case FailureReason.Timeout: return Timeout;
                case FailureReason.ConnectionFailed: return Network;
                case FailureReason.IntegrityMismatch: return Integrity;
                case FailureReason.SourceChanged: return SourceChanged;
            }
        }
        // What the store did not say, the exceptions underneath do: the first that tells wins.
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is TimeoutException or TaskCanceledException) return Timeout;
            if (x is SocketException or HttpRequestException or IOException) return Network;
        }
        return Other;
    }
}
