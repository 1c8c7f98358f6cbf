using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The master's job for one task: list the source in pages, cut it into segments and store
/// each segment together with the listing cursor, so a successor resumes where it stopped.
/// </summary>
internal sealed class ListingRole(ITaskStore store, string agentName, TimeSpan lease, AgentRunOptions options, IAgentObserver observer,
    Action? segmentStored = null)
{
    private const int PageSize = 1000;

    /// <summary>Lists as long as this agent holds the lease; returns true when the listing is complete.</summary>
    public async Task<bool> RunAsync(TaskRuntime runtime, CancellationToken cancellationToken)
    {
        var task = runtime.Task;
        var acquired = await store.TryAcquireListingAsync(task.Id, agentName, lease, cancellationToken).ConfigureAwait(false);
        if (acquired is null) return false;
        observer.Info(acquired.Cursor is null
            ? $"Listing {runtime.Source.Description} for task '{task.Name}'."
            : $"Resuming the listing of task '{task.Name}' after '{Printable.Key(acquired.Cursor)}'.");

        var cursor = acquired.Cursor;
        var segment = new List<ObjectInfo>(options.SegmentObjects);
        long segmentBytes = 0;
        var transientFailures = 0;
        while (true)
        {
            ObjectPage page;
            try
            {
                page = await runtime.Source.ListAsync(cursor, PageSize, cancellationToken).ConfigureAwait(false);
                transientFailures = 0;
            }
            catch (StoreException e) when (e.IsTransient && ++transientFailures < 5)
            {
                observer.Warning($"Listing task '{task.Name}' failed ({e.Message}); retrying.");
                await Task.Delay(TimeSpan.FromSeconds(transientFailures), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var last = page.NextStartAfter is null;
            for (var i = 0; i < page.Objects.Count; i++)
            {
                var o = page.Objects[i];
                segment.Add(o);
                segmentBytes += o.Size;
                var full = segment.Count >= options.SegmentObjects || segmentBytes >= options.SegmentBytes;
                if (full && !(last && i == page.Objects.Count - 1))
                {
                    await store.AppendSegmentAsync(task.Id, agentName, segment, o.Key, false, cancellationToken).ConfigureAwait(false);
                    segmentStored?.Invoke();
                    segment.Clear();
                    segmentBytes = 0;
                }
            }
            if (last)
            {
                await store.AppendSegmentAsync(task.Id, agentName, segment, segment.Count > 0 ? segment[^1].Key : cursor, true, cancellationToken)
                    .ConfigureAwait(false);
                segmentStored?.Invoke();
                observer.Info($"Listing of task '{task.Name}' is complete.");
                return true;
            }
            // A partial segment is carried into the next page; its cursor is stored only with it.
            cursor = page.NextStartAfter;
        }
    }
}
