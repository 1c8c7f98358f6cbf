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

    public override string ToString() => Name;
}
