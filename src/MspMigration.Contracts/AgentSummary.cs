namespace MspMigration;

/// <summary>What one run of an agent did, returned when the agent stops.</summary>
public sealed class AgentRunSummary
{
    public string AgentName { get; init; } = "";
    public long ObjectsSucceeded { get; init; }
    public long ObjectsSkipped { get; init; }
    public long ObjectsFailed { get; init; }
    public long BytesTransferred { get; init; }
    public int SegmentsCompleted { get; init; }
    public TimeSpan Elapsed { get; init; }
    public bool Cancelled { get; init; }
}
