using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Output;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>
/// One agent run: registers the agent, starts its parts — the <see cref="Heartbeat"/>, the
/// <see cref="Worker"/> loops, the <see cref="SegmentFeeder"/> with its <see cref="ListingSupervisor"/>
/// — and stops them in order. Runs until cancelled, or with
/// <see cref="AgentRunOptions.ExitWhenIdle"/> until no task is left to work on.
/// </summary>
public sealed class AgentHost(AgentConfig config, IControlPlane store, IEngineOutput output)
{
    public async Task<AgentRunSummary> RunAsync(AgentRunOptions options, CancellationToken cancellationToken)
    {
        var agent = new AgentContext(AgentIdentity.NameFor(options.AgentName, config), config, store, output);
        var concurrency = options.Concurrency ?? config.Concurrency;
        var counters = new AgentCounters();
        EnsureWorkerThreads(concurrency);
        // Before registering: an agent that cannot serve the metrics it was told to serve does not start.
        using var metricsServer = config.Metrics is { } endpoint ? MetricsServer.Start(endpoint, agent.Metrics, config.SourcePath) : null;
        var registration = await AgentIdentity.RegisterAsync(agent.Name, config, store, cancellationToken).ConfigureAwait(false);
        foreach (var warning in config.Warnings) output.Warning(warning);
        output.Info($"Agent '{agent.Name}' started ({concurrency} workers, control plane {store.Description}" +
            (config.Metrics is { } served ? $", metrics at http://{served}/metrics)." : ")."));

        var held = new HeldSegments();
        var finisher = new TaskFinisher(agent);
        await using var runtimes = new TaskRuntimes(agent, counters, finisher);
        var taskProgress = new TaskProgressReporter(agent, runtimes, finisher, options.TaskProgressInterval is not null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = new Heartbeat(agent, registration, counters, held, runtimes, taskProgress, options.TaskProgressInterval).RunAsync(stop.Token);
        using var queue = new WorkQueue(lowWater: concurrency);
        await using var outcomes = new OutcomeRecorder(store);
        using var audit = new AuditLog(config.TransferLog);
        SegmentFeeder? feeder = null;
        var worker = new Worker(agent, queue, outcomes, audit, finisher, held, counters, () => feeder?.Wake());
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => worker.RunAsync(stop.Token))).ToArray();
        var listings = new ListingSupervisor(agent, new ListingJob(store, agent.Name, config, output, () => feeder?.Wake()), finisher);
        feeder = new SegmentFeeder(agent, options, runtimes, listings, finisher, taskProgress, held, counters, queue);
        var cancelled = false;
        try
        {
            await feeder.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        finally
        {
            // Workers finish what they hold (or stop at once on Ctrl+C), then the clock and the
            // listings stop, the last outcomes are committed and the leases go back.
            queue.Complete();
            if (cancelled) await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            try { await heartbeat.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            await listings.StoppedAsync().ConfigureAwait(false);
            await outcomes.DisposeAsync().ConfigureAwait(false);
            await ReleaseAsync(agent).ConfigureAwait(false);
        }
        output.Progress(counters.Snapshot());
        return counters.Summary(agent.Name, cancelled);
    }

    /// <summary>Gives back whatever is still leased so others need not wait for the lease to expire.</summary>
    private static async Task ReleaseAsync(AgentContext agent)
    {
        using var release = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await agent.Store.ReleaseAgentAsync(agent.Name, release.Token).ConfigureAwait(false); }
        catch (Exception e) { agent.Output.Warning($"Releasing the leases of agent '{agent.Name}' failed: {SecretRedactor.Redact(e.Message)}"); }
    }

    /// <summary>
    /// Workers make short blocking file-system calls (open, rename, mkdir) on pool threads. With
    /// the default minimum (one thread per core) the pool adds threads only slowly once they
    /// block, and copies queue behind each other; so the minimum is raised (never lowered) to
    /// one thread per worker plus a few for the journal, heartbeat and feed loops.
    /// </summary>
    private static void EnsureWorkerThreads(int concurrency)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < concurrency + 4) ThreadPool.SetMinThreads(concurrency + 4, io);
    }
}
