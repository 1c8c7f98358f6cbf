using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The master's listing job for one task: list the source in pages, keep what the task's filters accept,
/// cut it into segments and store each segment together with the listing cursor, so a successor
/// resumes where it stopped.
/// </summary>
internal sealed class ListingJob(IControlPlane store, string agentName, AgentConfig config, IEngineOutput observer,
    Action? segmentStored = null)
{
    private readonly int _segmentObjects = config.SegmentObjects;

    /// <summary>Lists as long as this agent holds the lease; returns true when the listing is complete.</summary>
    public async Task<bool> RunAsync(TaskRuntime runtime, Func<bool> mayContinue, CancellationToken cancellationToken)
    {
        var task = runtime.Task;
        var acquired = await store.TryAcquireListingAsync(task.Id, agentName, config.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (acquired is null) return false;
        observer.Info(acquired.Cursor is null
            ? $"Listing {runtime.Source.Description} for task '{task.Name}' (pass {task.Pass})."
            : $"Resuming the listing of task '{task.Name}' after '{Printable.Key(acquired.Cursor)}'.");

        var filter = new ObjectFilter(task.Settings);
        var segmentStart = acquired.Cursor;
        var segment = new List<ObjectInfo>(_segmentObjects);
        long segmentBytes = 0;
        var queued = 0L;
        if (!mayContinue()) return false;
        // A failure ends this run of the listing; the agent retries from the saved cursor after
        // a pause (TaskTrouble), which is also what fails the task when the source stays away.
        var range = new ListingRange(StartAfter: acquired.Cursor, Prefix: task.KeyPrefix);
        await foreach (var page in runtime.Source.PagesAsync(range, config.ListPageSize, missingIsEmpty: false, cancellationToken).ConfigureAwait(false))
        {
            runtime.Trouble.Clear();
            foreach (var o in page.Objects)
            {
                if (!filter.Accepts(o)) continue;
                segment.Add(o);
                segmentBytes += o.Size;
                if (segment.Count >= _segmentObjects || segmentBytes >= config.SegmentBytes)
                {
                    queued += await store.AppendSegmentAsync(task.Id, agentName, segment, segmentStart, o.Key, false, cancellationToken).ConfigureAwait(false);
                    segmentStart = o.Key;
                    segmentStored?.Invoke();
                    segment.Clear();
                    segmentBytes = 0;
                }
            }
            if (page.IsLast)
            {
                queued += await store.AppendSegmentAsync(task.Id, agentName, segment, segmentStart, page.LastKey, true, cancellationToken).ConfigureAwait(false);
                segmentStored?.Invoke();
                observer.Info($"Listing of task '{task.Name}' is complete ({queued:N0} objects queued by this agent).");
                return true;
            }
            // A partial segment is carried into the next page; its cursor is stored only with it.
            // With nothing carried, the cursor is checkpointed at once (a filter may skip whole pages).
            if (segment.Count == 0 && page.LastKey is not null)
            {
                await store.AppendSegmentAsync(task.Id, agentName, segment, segmentStart, page.LastKey, false, cancellationToken).ConfigureAwait(false);
                segmentStart = page.LastKey;
            }
            if (!mayContinue()) return false; // paused or outside the time window: the cursor is saved
        }
        return false; // not reached: the last page returns
    }
}
