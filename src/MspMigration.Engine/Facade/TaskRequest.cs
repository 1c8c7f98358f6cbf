namespace MspMigration.Engine.Facade;

/// <summary>A task as an operator asks for it, before validation. Limits are text in the units users type.</summary>
public sealed class TaskRequest
{
    public string Name { get; init; } = "";
    public string Source { get; init; } = "";
    public string? SourceProfile { get; init; }
    public string Destination { get; init; } = "";
    public string? DestinationProfile { get; init; }
    public SameNamePolicy SameNamePolicy { get; init; } = SameNamePolicy.Overwrite;
    public string? MasterAgent { get; init; }
    public string? QpsLimit { get; init; }
    public string? BandwidthLimit { get; init; }
    public string? KeyPrefix { get; init; }
    public string[]? Include { get; init; }
    public string[]? Exclude { get; init; }
    public DateTimeOffset? ModifiedAfter { get; init; }
    public DateTimeOffset? ModifiedBefore { get; init; }
    public long? MinSize { get; init; }
    public long? MaxSize { get; init; }
    public string? TimeWindow { get; init; }
}

/// <summary>Changes to a task's adjustable settings; null leaves a setting as it is.</summary>
public sealed class TaskChanges
{
    public SameNamePolicy? SameNamePolicy { get; init; }
    /// <summary>"0", "none" or "unlimited" removes the limit.</summary>
    public string? QpsLimit { get; init; }
    public string? BandwidthLimit { get; init; }
    /// <summary>An empty string removes the window.</summary>
    public string? TimeWindow { get; init; }
}
