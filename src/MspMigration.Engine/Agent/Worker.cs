using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The worker loop, run by as many threads as the agent's concurrency: takes an object from the
/// queue, copies it, records its outcome (and its line in the audit log), and completes its
/// segment with the segment's last object.
/// </summary>
internal sealed class Worker(AgentContext agent, WorkQueue queue, OutcomeRecorder outcomes, AuditLog audit, TaskFinisher finisher,
    HeldSegments held, AgentCounters counters, Action segmentDone)
{
    private readonly HashSet<long> _failureWarned = new();

    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(15);

    /// <summary>
    /// An outcome earned is worth keeping: while the control plane cannot take it, the worker waits
    /// and tries again instead of copying more objects whose outcomes would be lost as well (each
    /// would be copied again later). Stopped while waiting, the object stays pending.
    /// </summary>
    private async Task RecordAsync(ObjectOutcomeRecord outcome, CancellationToken ct)
    {
        for (var pause = TimeSpan.FromSeconds(1); ; pause = pause * 2 < LongestPause ? pause * 2 : LongestPause)
        {
            try
            {
                await outcomes.RecordAsync(outcome).ConfigureAwait(false);
                agent.Warnings.Clear("record");
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                agent.Warnings.Warn("record", $"Recording outcomes in the control plane failed ({SecretRedactor.Redact(e.Message)}); " +
                    "workers wait for it and try again.");
            }
            try
            {
                await Task.Delay(pause, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // left pending: the segment is released and the object copied again later
            }
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in queue.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var runtime = item.Segment.Runtime;
                if (!runtime.IsWorkable())
                {
                    // Paused, removed or outside its window: left pending, and the segment is handed back.
                    await ObjectDoneAsync(item).ConfigureAwait(false);
                    continue;
                }
                ObjectOutcomeRecord outcome;
                var metrics = agent.Metrics.ForTask(runtime.Task.Name);
                metrics.ObjectStarted();
                try
                {
                    outcome = await runtime.Copier.CopyAsync(item.Object, runtime.Task.SameNamePolicy, item.Destination, ct).ConfigureAwait(false);
                }
                catch (StoreException e) when (e.StoreWide && !ct.IsCancellationRequested)
                {
                    // The store, not the object, failed: the object stays pending.
                    if (e.IsTransient) await finisher.StoreTroubleAsync(runtime, "Copying", e).ConfigureAwait(false);
                    else await finisher.FailAsync(runtime, SecretRedactor.Redact($"Copying failed: {e.Message}")).ConfigureAwait(false);
                    await ObjectDoneAsync(item).ConfigureAwait(false);
                    continue;
                }
                finally
                {
                    metrics.ObjectEnded();
                }
                if (outcome.Outcome != ObjectOutcome.Failed) runtime.Trouble.Clear();
                if (outcome.Outcome == ObjectOutcome.Succeeded)
                    audit.Written(agent.Name, runtime.Task.Name, outcome.Key, outcome.Bytes, outcome.Crc64 ?? 0);
                await RecordAsync(outcome, ct).ConfigureAwait(false);
                counters.Count(runtime.Task.Name, outcome);
                metrics.Recorded(outcome.Outcome, outcome.Bytes, item.Object.Size);
                if (outcome.Outcome == ObjectOutcome.Failed) ReportFailure(runtime.Task, outcome);
                await ObjectDoneAsync(item).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: objects not recorded stay pending and their segments are released.
        }
    }

    /// <summary>
    /// Each failed object is told as information; the operator is warned once per task, and the
    /// task's end says how many failed (a warning per object buries everything else).
    /// </summary>
    private void ReportFailure(MigrationTask task, ObjectOutcomeRecord outcome)
    {
        var line = $"Task '{task.Name}': '{Printable.Key(outcome.Key)}' failed: {outcome.Error}";
        agent.Output.Info(line);
        bool first;
        lock (_failureWarned) first = _failureWarned.Add(task.Id);
        if (first) agent.Output.Warning($"{line} (further failures of this task are reported as information only)");
    }

    private async Task ObjectDoneAsync(WorkItem item)
    {
        if (!item.Segment.ObjectDone()) return;
        counters.SegmentLeft();
        try { await agent.Store.CompleteSegmentAsync(item.Segment.Claim.SegmentId, agent.Name, CancellationToken.None).ConfigureAwait(false); }
        finally { held.Done(item.Segment.Claim.SegmentId); }
        counters.SegmentCompleted();
        await finisher.FinishIfDoneAsync(item.Segment.Runtime, CancellationToken.None).ConfigureAwait(false);
        segmentDone();
    }
}
