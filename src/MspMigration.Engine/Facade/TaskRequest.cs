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
}
