using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Decides when this agent lists a task (it is the named master, or the master is gone) and runs
/// each listing as a job of its own, at most one per task and one attempt per poll interval.
/// </summary>
internal sealed class ListingSupervisor(AgentContext agent, ListingJob listing, TaskFinisher finisher)
{
    private readonly object _gate = new();
    private readonly Dictionary<long, Task> _jobs = new();
    private readonly Dictionary<long, DateTimeOffset> _lastAttempt = new();

    public async Task StartIfDueAsync(TaskRuntime runtime, CancellationToken ct)
    {
        var task = runtime.Task;
        lock (_gate)
        {
            if (_jobs.TryGetValue(task.Id, out var running) && !running.IsCompleted) return;
            if (_lastAttempt.TryGetValue(task.Id, out var last) && DateTimeOffset.UtcNow - last < agent.Config.PollInterval) return;
            _lastAttempt[task.Id] = DateTimeOffset.UtcNow;
        }
        if (!await IsMasterAsync(task, ct).ConfigureAwait(false)) return;
        var job = Task.Run(() => ListAsync(runtime, ct), CancellationToken.None);
        lock (_gate) _jobs[task.Id] = job;
    }

    /// <summary>Returns once every listing job has stopped (the token given to them was cancelled first).</summary>
    public async Task StoppedAsync()
    {
        Task[] jobs;
        lock (_gate) jobs = [.. _jobs.Values];
        try { await Task.WhenAll(jobs).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private async Task ListAsync(TaskRuntime runtime, CancellationToken ct)
    {
        var task = runtime.Task;
        try
        {
            if (await listing.RunAsync(runtime, runtime.IsWorkable, ct).ConfigureAwait(false))
                await finisher.FinishIfDoneAsync(runtime, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (LeaseLostException e)
        {
            agent.Metrics.ListingLeaseLost();
            agent.Output.Warning(e.Message);
        }
        catch (StoreException e) when (e.IsTransient)
        {
            await finisher.StoreTroubleAsync(runtime, "Listing the source", e).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreException or MigrationException)
        {
            await finisher.FailAsync(runtime, SecretRedactor.Redact($"Listing the source failed: {e.Message}")).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            agent.Warnings.Warn($"listing:{task.Id}", $"Task '{task.Name}': listing stopped: {SecretRedactor.Redact(e.Message)}");
        }
    }

    /// <summary>The named master lists; another agent takes over only when the master is not alive.</summary>
    private async Task<bool> IsMasterAsync(MigrationTask task, CancellationToken ct)
    {
        var config = agent.Config;
        if (string.IsNullOrEmpty(task.MasterAgent)) return true;
        if (string.Equals(task.MasterAgent, agent.Name, StringComparison.OrdinalIgnoreCase)) return true;
        if (config.Address is { } address && string.Equals(task.MasterAgent, address, StringComparison.OrdinalIgnoreCase)) return true;
        if (DateTimeOffset.UtcNow - task.CreatedAt < config.LeaseDuration) return false;
        var agents = await agent.Store.ListAgentsAsync(config.LeaseDuration, ct).ConfigureAwait(false);
        return !agents.Any(a => a.IsAlive && (string.Equals(a.Name, task.MasterAgent, StringComparison.OrdinalIgnoreCase)
            || string.Equals(a.Address, task.MasterAgent, StringComparison.OrdinalIgnoreCase)));
    }
}
