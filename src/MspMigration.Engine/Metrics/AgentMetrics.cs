using System.Collections.Concurrent;
using System.Diagnostics;
using Prometheus;

namespace MspMigration.Engine.Metrics;

/// <summary>
/// One agent run's Prometheus metrics, in a registry of its own (prometheus-net), so two agents in
/// one process never mix their counts and nothing global is touched. Always counted (a counter is
/// an interlocked add); served only when [agent] metrics says where (<see cref="MetricsServer"/>).
/// Labels are bounded: task names, and small fixed sets of outcomes, reasons, limits and leases.
/// </summary>
public sealed class AgentMetrics
{
    public const string Prefix = "mspmigration_";
    internal static readonly string[] Outcomes = ["succeeded", "skipped", "failed"];
    internal static readonly string[] Layers = ["request", "object"];
    internal static readonly string[] Limits = ["qps", "bandwidth"];

    private readonly ConcurrentDictionary<string, TaskMetrics> _tasks = new(StringComparer.OrdinalIgnoreCase);
    private long _lastRenewal = Stopwatch.GetTimestamp();

    public AgentMetrics(string agentName)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // The process's CPU, memory, threads and GC: what an operator looks at first when an agent is slow.
        DotNetStats.Register(Registry);
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        f.CreateGauge(Prefix + "agent_info", "The agent this endpoint belongs to (always 1).", ["agent"]).WithLabels(agentName).Set(1);
        Objects = f.CreateCounter(Prefix + "objects_total", "Objects recorded by this agent, by task and outcome.", ["task", "outcome"]);
        Bytes = f.CreateCounter(Prefix + "object_bytes_total",
            "Bytes of the objects recorded by this agent, by task and outcome: verified bytes written for succeeded, the listed size for skipped and failed.",
            ["task", "outcome"]);
        ReadBytes = f.CreateCounter(Prefix + "read_bytes_total", "Bytes read from the source as they stream, attempts that were retried included.", ["task"]);
        InFlight = f.CreateGauge(Prefix + "objects_in_flight", "Objects being copied by this agent now.", ["task"]);
        Retries = f.CreateCounter(Prefix + "retries_total",
            "Retries, by task, layer (request: one S3 request again; object: the whole object again) and reason.", ["task", "layer", "reason"]);
        ThrottleWaits = f.CreateCounter(Prefix + "throttle_waits_total", "Times an object or its bytes waited for the task's QPS or bandwidth limit.", ["task", "limit"]);
        ThrottleSeconds = f.CreateCounter(Prefix + "throttle_wait_seconds_total", "Time spent waiting for the task's QPS or bandwidth limit.", ["task", "limit"]);
        var renewals = f.CreateCounter(Prefix + "lease_renewals_total", "Heartbeats that renewed (ok) or failed to renew (failed) this agent's leases.", ["result"]);
        _renewed = renewals.WithLabels("ok");
        _renewalFailed = renewals.WithLabels("failed");
        var losses = f.CreateCounter(Prefix + "lease_losses_total",
            "Leases this agent lost: a task's listing taken by another agent, or segments whose lease ran out before a late renewal.", ["lease"]);
        _listingLost = losses.WithLabels("listing");
        _segmentsLost = losses.WithLabels("segment");
        var age = f.CreateGauge(Prefix + "lease_renewal_age_seconds", "Seconds since this agent last renewed its leases (or started).");
        Registry.AddBeforeCollectCallback(() => age.Set(Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRenewal)).TotalSeconds));
    }

    internal CollectorRegistry Registry { get; }
    internal Counter Objects { get; }
    internal Counter Bytes { get; }
    internal Counter ReadBytes { get; }
    internal Gauge InFlight { get; }
    internal Counter Retries { get; }
    internal Counter ThrottleWaits { get; }
    internal Counter ThrottleSeconds { get; }
    private readonly Counter.Child _renewed, _renewalFailed, _listingLost, _segmentsLost;

    /// <summary>The task's metrics; every series of the task appears at once, at zero, so rates and alerts see it from the start.</summary>
    public TaskMetrics ForTask(string taskName) => _tasks.GetOrAdd(taskName, name => new TaskMetrics(this, name));

    /// <summary>A heartbeat renewed the leases; returns how long it was since the last renewal.</summary>
    public TimeSpan LeasesRenewed()
    {
        _renewed.Inc();
        var now = Stopwatch.GetTimestamp();
        return Stopwatch.GetElapsedTime(Interlocked.Exchange(ref _lastRenewal, now), now);
    }

    public void LeaseRenewalFailed() => _renewalFailed.Inc();
    public void ListingLeaseLost() => _listingLost.Inc();
    public void SegmentLeasesLost(int count) => _segmentsLost.Inc(count);

    /// <summary>The exposition text, as a scrape would get it.</summary>
    public async Task<string> ExportTextAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
