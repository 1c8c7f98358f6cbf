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

    /// <summary>Objects started per second, for the whole cluster; null when unlimited.</summary>
    public double? QpsLimit { get; init; }
    /// <summary>Bytes per second read from the source, for the whole cluster; null when unlimited.</summary>
    public long? BandwidthLimit { get; init; }
    /// <summary>Only keys starting with this (relative to the source prefix).</summary>
    public string? KeyPrefix { get; init; }
    public string[] Include { get; init; } = [];
    public string[] Exclude { get; init; } = [];
    public DateTimeOffset? ModifiedAfter { get; init; }
    public DateTimeOffset? ModifiedBefore { get; init; }
    public long? MinSize { get; init; }
    public long? MaxSize { get; init; }
    /// <summary>Daily window in the agents' local time, such as "21:00-06:00"; null for always.</summary>
    public string? TimeWindow { get; init; }
    /// <summary>1 for the first migration; each secondary (incremental) pass adds one.</summary>
    public int Pass { get; init; } = 1;

    public override string ToString() => Name;
}
