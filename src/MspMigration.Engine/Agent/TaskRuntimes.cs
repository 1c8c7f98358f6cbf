using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The tasks this agent has open (stores, limiter, copier each), the ones it cannot open and
/// leaves to others, and the refresh of their settings from the control plane.
/// </summary>
internal sealed class TaskRuntimes(AgentContext agent, AgentCounters counters, TaskFinisher finisher) : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<long, TaskRuntime> _open = new();
    // Tasks this agent cannot open (a profile it lacks): left to others, warned about once.
    private readonly Dictionary<long, string> _leftToOthers = new();

    public bool IsLeftToOthers(long taskId)
    {
        lock (_gate) return _leftToOthers.ContainsKey(taskId);
    }

    public long[] OpenIds()
    {
        lock (_gate) return [.. _open.Keys];
    }

    /// <summary>The task's runtime, opened on first use (Opened is then true); null when this agent cannot work on it.</summary>
    public async Task<(TaskRuntime? Runtime, bool Opened)> GetAsync(MigrationTask task)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(task.Id, out var existing)) return (existing, false);
            if (_leftToOthers.ContainsKey(task.Id)) return (null, false);
        }
        try
        {
            var runtime = TaskRuntime.Open(task, agent.Config, counters.AddBytes, agent.Metrics.ForTask(task.Name), agent.Buffers);
            // Limits hold from the first object; later changes arrive through RefreshAsync.
            runtime.Limiter.Update(task.QpsLimit, task.BandwidthLimit, runtime.Share);
            lock (_gate) _open[task.Id] = runtime;
            return (runtime, true);
        }
        catch (MigrationException e) when (e.ErrorId is "ProfileNotFound" or "StoreSchemeNotSupported")
        {
            // This agent cannot serve the task (a profile it lacks, a store this build cannot
            // open): say so once and leave the task to agents that can, rather than failing it
            // for everyone. agent.toml is read at start, so this holds for the whole run.
            var reason = SecretRedactor.Redact(e.Message);
            lock (_gate) _leftToOthers[task.Id] = reason;
            agent.Output.Warning($"This agent cannot work on task '{task.Name}' and leaves it to others: {reason}");
            agent.Output.TaskNotWorkable(task, reason);
            return (null, false);
        }
        catch (MigrationException e)
        {
            // Wrong for every agent (e.g. the source and destination now overlap): fail the task.
            await finisher.FailAsync(task, SecretRedactor.Redact($"The task cannot be opened: {e.Message}")).ConfigureAwait(false);
            return (null, false);
        }
    }

    /// <summary>
    /// Reads task settings on its own clock: the feed loop may wait a long time on a full queue,
    /// and a pause, a removal or a new limit must not wait with it.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            var all = await agent.Store.ListTasksAsync(ct).ConfigureAwait(false);
            List<TaskRuntime> runtimes;
            lock (_gate) runtimes = [.. _open.Values];
            foreach (var runtime in runtimes)
            {
                var fresh = all.FirstOrDefault(t => t.Id == runtime.Task.Id);
                if (fresh is null)
                {
                    runtime.Removed = true;
                    continue;
                }
                // Limits are for the whole cluster: each agent working on the task takes an equal share.
                runtime.Share = await agent.Store.CountWorkingAgentsAsync(fresh.Id, agent.Config.LeaseDuration, ct).ConfigureAwait(false);
                runtime.Task = fresh;
                runtime.Limiter.Update(fresh.QpsLimit, fresh.BandwidthLimit, runtime.Share);
            }
            agent.Warnings.Clear("settings");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            agent.Warnings.Warn("settings", $"Reading task settings failed: {SecretRedactor.Redact(e.Message)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<TaskRuntime> runtimes;
        lock (_gate)
        {
            runtimes = [.. _open.Values];
            _open.Clear();
        }
        foreach (var runtime in runtimes) await runtime.DisposeAsync().ConfigureAwait(false);
    }
}
