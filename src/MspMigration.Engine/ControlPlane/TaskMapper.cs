using MspMigration.Engine.Policies;

namespace MspMigration.Engine.ControlPlane;

/// <summary>Fills a task's public settings from its stored options; shared by every store.</summary>
internal static class TaskMapper
{
    public static MigrationTask WithOptions(this MigrationTask task, TaskOptions o) => new()
    {
        Id = task.Id,
        Name = task.Name,
        Source = task.Source,
        SourceProfile = task.SourceProfile,
        Destination = task.Destination,
        DestinationProfile = task.DestinationProfile,
        SameNamePolicy = task.SameNamePolicy,
        MasterAgent = task.MasterAgent,
        State = task.State,
        StateReason = task.StateReason,
        CreatedAt = task.CreatedAt,
        StartedAt = task.StartedAt,
        FinishedAt = task.FinishedAt,
        Pass = task.Pass,
        QpsLimit = o.QpsLimit,
        BandwidthLimit = o.BandwidthLimit,
        KeyPrefix = o.KeyPrefix,
        Include = o.Include,
        Exclude = o.Exclude,
        ModifiedAfter = o.ModifiedAfter,
        ModifiedBefore = o.ModifiedBefore,
        MinSize = o.MinSize,
        MaxSize = o.MaxSize,
        TimeWindow = o.TimeWindow,
    };

    public static TaskOptions Options(MigrationTask t) => new()
    {
        QpsLimit = t.QpsLimit,
        BandwidthLimit = t.BandwidthLimit,
        KeyPrefix = t.KeyPrefix,
        Include = t.Include,
        Exclude = t.Exclude,
        ModifiedAfter = t.ModifiedAfter,
        ModifiedBefore = t.ModifiedBefore,
        MinSize = t.MinSize,
        MaxSize = t.MaxSize,
        TimeWindow = t.TimeWindow,
    };
}
