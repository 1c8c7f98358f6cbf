namespace MspMigration;

/// <summary>A migration task as stored in the control plane. Holds profile names, never secrets.</summary>
public sealed class MigrationTask
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Source { get; init; } = "";
    public string? SourceProfile { get; init; }
    public string Destination { get; init; } = "";
    public string? DestinationProfile { get; init; }
    public SameNamePolicy SameNamePolicy { get; init; }
    public string? MasterAgent { get; init; }
    public MigrationTaskState State { get; init; }
    public string? StateReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Limits, filters and the daily window.</summary>
    public MigrationTaskSettings Settings { get; init; } = new();

    // The settings again at the top level, as they were before they had a type of their own:
    // scripts, the default views and pipeline binding by property name read them here.
    // Settings added later live on Settings only.
    public double? QpsLimit => Settings.QpsLimit;
    public long? BandwidthLimit => Settings.BandwidthLimit;
    public string? KeyPrefix => Settings.KeyPrefix;
    public string[] Include => Settings.Include;
    public string[] Exclude => Settings.Exclude;
    public DateTimeOffset? ModifiedAfter => Settings.ModifiedAfter;
    public DateTimeOffset? ModifiedBefore => Settings.ModifiedBefore;
    public long? MinSize => Settings.MinSize;
    public long? MaxSize => Settings.MaxSize;
    public string? TimeWindow => Settings.TimeWindow;

    /// <summary>1 for the first migration; each secondary (incremental) pass adds one.</summary>
    public int Pass { get; init; } = 1;

    public override string ToString() => Name;
}
