using System.Runtime.CompilerServices;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Facade;

/// <summary>
/// The dry run: walks the source and destination listings side by side (both in key order) and
/// says what a run would do with each object. Reads listings only; writes nothing anywhere.
/// </summary>
internal static class DryRun
{
    private const int PageSize = 1000;

    public static async IAsyncEnumerable<PlannedObject> PlanAsync(MigrationService service, string name,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var task = await service.GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        await using var source = StoreFactory.Open(StoreLocation.Parse(task.Source, "Source"), service.Config.FindProfile(task.SourceProfile), service.Config.StallTimeout);
        await using var destination = StoreFactory.Open(StoreLocation.Parse(task.Destination, "Destination"), service.Config.FindProfile(task.DestinationProfile), service.Config.StallTimeout);
        var filter = new ObjectFilter(task.Settings);
        // A destination that does not exist yet holds nothing.
        var existing = destination.ObjectsAsync(new ListingRange(), PageSize, missingIsEmpty: true, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasExisting = await existing.MoveNextAsync().ConfigureAwait(false);
        try
        {
            var range = new ListingRange(Prefix: task.KeyPrefix);
            await foreach (var o in source.ObjectsAsync(range, PageSize, missingIsEmpty: false, cancellationToken).ConfigureAwait(false))
            {
                if (!filter.Accepts(o)) continue;
                while (hasExisting && Utf8OrdinalComparer.Instance.Compare(existing.Current.Key, o.Key) < 0)
                    hasExisting = await existing.MoveNextAsync().ConfigureAwait(false);
                var match = hasExisting && existing.Current.Key == o.Key ? existing.Current : null;
                var (action, reason) = SameNameDecision.Decide(task.SameNamePolicy, o, match);
                yield return new PlannedObject { TaskName = task.Name, Key = o.Key, Size = o.Size, Action = action, Reason = reason };
            }
        }
        finally
        {
            await existing.DisposeAsync().ConfigureAwait(false);
        }
    }
}
