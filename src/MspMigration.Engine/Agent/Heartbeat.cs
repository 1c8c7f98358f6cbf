using System.Diagnostics;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The agent's clock, ticking every second: progress to the host each tick, per-task progress
/// every <see cref="AgentRunOptions.TaskProgressInterval"/>, task settings every poll interval,
/// and every heartbeat interval a heartbeat (renewing leases, with recent throughput) after giving
/// back segments leased to this agent that it does not work on.
/// </summary>
internal sealed class Heartbeat(AgentContext agent, AgentRegistration registration, AgentCounters counters, HeldSegments held,
    TaskRuntimes runtimes, TaskProgressReporter taskProgress, TimeSpan? taskProgressInterval)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var config = agent.Config;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = Stopwatch.StartNew();
        Stopwatch? lastTaskProgress = null;
        var settings = Stopwatch.StartNew();
        var previous = counters.Snapshot();
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = counters.Snapshot();
            agent.Output.Progress(now);
            // The first tick reports at once: a bar should appear within a second, not an interval.
            if (taskProgressInterval is { } interval && (lastTaskProgress is null || lastTaskProgress.Elapsed >= interval))
            {
                lastTaskProgress = Stopwatch.StartNew();
                await taskProgress.ReportAsync(null, ct).ConfigureAwait(false);
            }
            if (settings.Elapsed >= config.PollInterval)
            {
                settings.Restart();
                await runtimes.RefreshAsync(ct).ConfigureAwait(false);
            }
            if (last.Elapsed < config.HeartbeatInterval) continue;
            // Throughput over the last heartbeat interval: what Get-MigrationAgent shows as recent.
            var seconds = Math.Max(last.Elapsed.TotalSeconds, 0.001);
            var beat = registration with
            {
                ObjectsPerSecond = (now.ObjectsDone - previous.ObjectsDone) / seconds,
                BytesPerSecond = (now.BytesTransferred - previous.BytesTransferred) / seconds,
            };
            previous = now;
            last.Restart();
            try
            {
                // Leases of segments nobody here works on (a lost claim reply) go back rather than being renewed.
                if (await held.ReleaseOthersAsync(agent.Store, registration.Name, ct).ConfigureAwait(false) is > 0 and var released)
                    agent.Output.Warning($"Gave back {released} segment(s) leased to agent '{registration.Name}' that it was not working on.");
                await agent.Store.HeartbeatAsync(beat, config.LeaseDuration, ct).ConfigureAwait(false);
                agent.Warnings.Clear("heartbeat");
                // Renewed later than a lease lasts: the leases held ran out meanwhile, and others may have taken them.
                if (agent.Metrics.LeasesRenewed() > config.LeaseDuration) agent.Metrics.SegmentLeasesLost(held.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                agent.Metrics.LeaseRenewalFailed();
                agent.Warnings.Warn("heartbeat", $"Heartbeat failed: {SecretRedactor.Redact(e.Message)}");
            }
        }
    }
}
