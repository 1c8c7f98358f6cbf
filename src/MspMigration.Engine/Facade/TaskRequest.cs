namespace MspMigration.Engine.Facade;

/// <summary>A task as an operator asks for it, before validation.</summary>
public sealed class TaskRequest
{
    public string Name { get; init; } = "";
    public string Source { get; init; } = "";
    public string? SourceProfile { get; init; }
    public string Destination { get; init; } = "";
    public string? DestinationProfile { get; init; }
    public SameNamePolicy SameNamePolicy { get; init; } = SameNamePolicy.Overwrite;
    public string? MasterAgent { get; init; }
    /// <summary>Limits, filters and window; checked and normalised by the engine (TaskSettingsRules).</summary>
    public MigrationTaskSettings Settings { get; init; } = new();
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
