using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The feed loop: reads the tasks this agent works on, opens them, starts listings that are due,
/// and claims a segment whenever the work queue runs low, handing its pending objects to the
/// workers (with what the destination already holds, when one listing can tell).
/// </summary>
internal sealed class SegmentFeeder(AgentContext agent, AgentRunOptions options, TaskRuntimes runtimes, ListingSupervisor listings,
    TaskFinisher finisher, TaskProgressReporter taskProgress, HeldSegments held, AgentCounters counters, WorkQueue queue)
{
    // Wakes the feed loop as soon as there may be new work (a segment stored or finished),
    // rather than after its poll delay: that delay used to idle the agent at start and end.
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    /// <summary>Runs until cancelled, or with <see cref="AgentRunOptions.ExitWhenIdle"/> until no task is left to work on here.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var config = agent.Config;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var tasks = WorkableTasks.Of(await agent.Store.ListTasksAsync(ct).ConfigureAwait(false), options.TaskNames);
            var onlyOthers = tasks.All(t => runtimes.IsLeftToOthers(t.Id));
            if (tasks.Count == 0 || (onlyOthers && options.ExitWhenIdle))
            {
                if (options.ExitWhenIdle) return;
                await Task.Delay(config.PollInterval, ct).ConfigureAwait(false);
                continue;
            }
            var claimedAny = false;
            foreach (var task in tasks)
            {
                var (runtime, opened) = await runtimes.GetAsync(task).ConfigureAwait(false);
                if (runtime is null) continue;
                // A bar for the task appears as the agent takes it up, not a tick later.
                if (opened) await taskProgress.ReportAsync([task.Id], ct).ConfigureAwait(false);
                if (!runtime.IsWorkable()) continue; // outside its daily window
                await listings.StartIfDueAsync(runtime, ct).ConfigureAwait(false);
                await queue.WaitForRoomAsync(ct).ConfigureAwait(false);
                var claim = await held.ClaimAsync(() => agent.Store.ClaimSegmentAsync(task.Id, agent.Name, config.LeaseDuration, ct), ct).ConfigureAwait(false);
                if (claim is null)
                {
                    await finisher.FinishIfDoneAsync(runtime, ct).ConfigureAwait(false);
                    continue;
                }
                claimedAny = true;
                await HandOutAsync(runtime, claim, ct).ConfigureAwait(false);
            }
            if (!claimedAny)
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(500, config.PollInterval.TotalMilliseconds)), ct).ConfigureAwait(false);
        }
    }

    private async Task HandOutAsync(TaskRuntime runtime, SegmentClaim claim, CancellationToken ct)
    {
        var pending = await agent.Store.GetPendingObjectsAsync(claim, ct).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            try { await agent.Store.CompleteSegmentAsync(claim.SegmentId, agent.Name, ct).ConfigureAwait(false); }
            finally { held.Done(claim.SegmentId); }
            return;
        }
        var existing = await LoadDestinationIndexAsync(runtime, claim, pending.Count, ct).ConfigureAwait(false);
        counters.SegmentTaken();
        var tracker = new SegmentTracker(claim, runtime, pending.Count);
        foreach (var item in pending)
        {
            var destination = existing is null ? DestinationState.Unknown
                : new DestinationState(true, existing.GetValueOrDefault(item.Key));
            queue.Add(new WorkItem(tracker, item, destination));
        }
    }

    /// <summary>
    /// For every policy but Overwrite, one listing of the segment's key range at the destination
    /// replaces a HEAD per object; null (HEAD each) when the destination is much denser there.
    /// </summary>
    private async Task<Dictionary<string, ObjectInfo>?> LoadDestinationIndexAsync(TaskRuntime runtime, SegmentClaim claim, int count, CancellationToken ct)
    {
        if (runtime.Task.SameNamePolicy == SameNamePolicy.Overwrite) return null;
        try
        {
            return await DestinationIndex.TryLoadAsync(runtime.Destination, claim.StartAfter, claim.LastKey, count, ct).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            agent.Warnings.Warn($"index:{runtime.Task.Id}", $"Listing the destination of task '{runtime.Task.Name}' failed ({e.Message}); checking objects one by one.");
            return null;
        }
    }
}
