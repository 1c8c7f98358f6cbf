using System.Collections.Concurrent;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The restore phase of a task with RestoreArchived: once everything else is done, the objects
/// that failed as SourceArchived are restored at the source and queued again as each becomes
/// readable, and the task is held open until none waits or its RestoreTimeout has passed.
/// </summary>
/// <remarks>
/// Waiting objects stay in the journal as SourceArchived failures, so they hold no worker and an
/// agent that restarts finds them there; the bound counts from the pass's start, also kept there.
/// Each agent polls with a growing delay, since restores take minutes to days.
/// </remarks>
internal sealed class RestoreWatcher(AgentContext agent)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);
    private const int Parallelism = 8;
    private readonly Dictionary<long, (DateTimeOffset Next, TimeSpan Delay)> _polls = new();

    /// <summary>True while the task must stay open: archived objects wait for restores within the bound.</summary>
    public async Task<bool> HoldsBackAsync(TaskRuntime runtime, CancellationToken ct)
    {
        var task = runtime.Task;
        if (task.Settings.RestoreArchived is not { } days || runtime.Source is not IRestorableStore source) return false;
        var status = await agent.Store.GetStatusAsync(task.Id, ct).ConfigureAwait(false);
        if (status.Archived == 0 || !status.ListingComplete || status.Pending > 0) return false;
        var timeout = task.Settings.RestoreTimeout ?? TaskSettingsRules.DefaultRestoreTimeout;
        var deadline = (task.StartedAt ?? task.CreatedAt) + timeout;
        var now = DateTimeOffset.UtcNow;
        if (now >= deadline)
        {
            await agent.Store.RequeueFailedAsync(task.Id, [], $"{status.Archived:N0} archived objects were not restored at the source " +
                $"within the restore timeout ({timeout}); they stay failed as SourceArchived.", ct).ConfigureAwait(false);
            return false;
        }
        lock (_polls)
        {
            // The feed loop and the worker that ends a segment both get here: one polls, the other waits.
            var delay = _polls.TryGetValue(task.Id, out var poll) ? poll.Delay : TimeSpan.Zero;
            if (now < poll.Next) return true;
            _polls[task.Id] = (now + MaxDelay, delay);
        }
        try
        {
            var (readable, waiting) = await PollAsync(task, source, days, ct).ConfigureAwait(false);
            await agent.Store.RequeueFailedAsync(task.Id, readable, waiting == 0 ? null
                : $"Waiting for {waiting:N0} archived objects to be restored at the source (until {deadline.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}).", ct).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            agent.Warnings.Warn($"restore:{task.Id}", $"Task '{task.Name}': checking restores at the source failed ({e.Message}); trying again later.");
        }
        finally
        {
            lock (_polls)
            {
                var last = _polls[task.Id].Delay;
                var delay = last == TimeSpan.Zero ? FirstDelay : TimeSpan.FromTicks(Math.Min(last.Ticks * 2, MaxDelay.Ticks));
                _polls[task.Id] = (DateTimeOffset.UtcNow + delay, delay);
            }
        }
        return true;
    }

    /// <summary>Asks for the restores not asked for yet; returns the keys now readable and how many still wait.</summary>
    private async Task<(List<string> Readable, int Waiting)> PollAsync(MigrationTask task, IRestorableStore source, int days, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var failed in agent.Store.GetFailedObjectsAsync(task.Id, ct).ConfigureAwait(false))
            if (failed.Reason == FailureReason.SourceArchived) keys.Add(failed.Key);
        var readable = new ConcurrentBag<string>();
        var waiting = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (key, c) =>
        {
            switch (await source.GetRestoreStateAsync(key, c).ConfigureAwait(false))
            {
                case RestoreState.NotRequested:
                    await source.RequestRestoreAsync(key, days, c).ConfigureAwait(false);
                    Interlocked.Increment(ref waiting);
                    break;
                case RestoreState.InProgress:
                    Interlocked.Increment(ref waiting);
                    break;
                default: // readable, or gone: the copy records what it finds
                    readable.Add(key);
                    break;
            }
        }).ConfigureAwait(false);
        return ([.. readable], waiting);
    }
}
