using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Verification;

namespace MspMigration.Engine.Facade;

/// <summary>Opens a task's stores and journal for a consistency check and runs it.</summary>
internal static class ConsistencyRun
{
    public static async Task<ConsistencySummary> RunAsync(MigrationService service, IControlPlane store, string name, bool deep,
        IEngineOutput output, CancellationToken cancellationToken)
    {
        var task = await service.GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        if (task.State is MigrationTaskState.Running or MigrationTaskState.Pending or MigrationTaskState.Paused)
            output.Warning($"Task '{task.Name}' is {task.State}: objects not copied yet show as Missing, and objects copied while the check runs may show as differences.");
        var config = service.Config;
        await using var source = StoreFactory.Open(StoreLocation.Parse(task.Source, "Source"), config.FindProfile(task.SourceProfile), config.StallTimeout);
        await using var destination = StoreFactory.Open(StoreLocation.Parse(task.Destination, "Destination"), config.FindProfile(task.DestinationProfile), config.StallTimeout);
        var boundaries = await store.GetSegmentBoundariesAsync(task.Id, cancellationToken).ConfigureAwait(false);
        var ranges = KeyRanges.From(boundaries);
        output.Info($"Task '{task.Name}': comparing {source.Description} with {destination.Description} in {ranges.Count} key ranges{(deep ? ", reading both sides" : "")}.");
        var check = new ConsistencyCheck(task, source, destination,
            (after, last, limit, ct) => store.GetJournalAsync(task.Id, after, last, limit, ct), deep, config.Concurrency);
        try
        {
            return await check.RunAsync(ranges, output, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A listing that fails ends the check: what it did not list cannot be compared.
            throw new MigrationException("ConsistencyCheckFailed", e.Kind switch
            {
                StoreErrorKind.NotFound => MigrationErrorKind.ObjectNotFound,
                StoreErrorKind.AccessDenied => MigrationErrorKind.PermissionDenied,
                _ => MigrationErrorKind.ConnectionError,
            }, $"Task '{task.Name}' could not be compared: {Transfer.ObjectCopier.Describe(e)}", task.Name);
        }
    }
}
