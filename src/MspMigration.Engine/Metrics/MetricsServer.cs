using System.Net;
using System.Net.Sockets;
using Prometheus;

namespace MspMigration.Engine.Metrics;

/// <summary>
/// Serves an agent's metrics at http://&lt;endpoint&gt;/metrics with prometheus-net's MetricServer
/// (HttpListener, which .NET implements itself on Linux and macOS). An endpoint that cannot be
/// served stops the agent before it registers: an agent that runs without the metrics it was told
/// to serve would look, to the fleet's monitoring, like one that is down.
/// </summary>
public static class MetricsServer
{
    public static IDisposable Start(MetricsEndpoint endpoint, AgentMetrics metrics, string? configPath)
    {
        var server = new MetricServer(endpoint.ListenerHost, endpoint.Port, "metrics/", metrics.Registry);
        try
        {
            server.Start();
            return server;
        }
        catch (Exception e) when (e is HttpListenerException or SocketException or InvalidOperationException)
        {
            server.Dispose();
            var inUse = e is HttpListenerException { ErrorCode: (int)SocketError.AddressAlreadyInUse or 98 or 48 or 10048 }
                || e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase);
            var denied = e is HttpListenerException { ErrorCode: (int)SocketError.AccessDenied or 13 or 5 }
                || e.Message.Contains("denied", StringComparison.OrdinalIgnoreCase);
            var why = inUse ? "the port is in use by another process (another agent on this machine needs its own port)"
                : denied ? "this user may not listen there (ports below 1024 need privileges)"
                : e.Message.TrimEnd('.');
            throw new MigrationException("MetricsEndpointUnavailable",
                inUse ? MigrationErrorKind.ResourceExists : denied ? MigrationErrorKind.PermissionDenied : MigrationErrorKind.ConnectionError,
                $"The agent cannot serve metrics at {endpoint} ([agent] metrics of '{configPath ?? "agent.toml"}'): {why}.", endpoint.ToString());
        }
    }
}
