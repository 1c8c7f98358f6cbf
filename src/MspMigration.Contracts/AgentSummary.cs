namespace MspMigration;

/// <summary>What one run of an agent did, returned when the agent stops.</summary>
public sealed class AgentRunSummary
{
    public string AgentName { get; init; } = "";
    public long ObjectsSucceeded { get; init; }
    public long ObjectsSkipped { get; init; }
    public long ObjectsFailed { get; init; }
    /// <summary>Bytes of the objects this run copied and verified; failed attempts count nothing.</summary>
    public long BytesTransferred { get; init; }
    public int SegmentsCompleted { get; init; }
    public TimeSpan Elapsed { get; init; }
    public bool Cancelled { get; init; }
    /// <summary>The same counts for each task the run recorded objects of, by task name.</summary>
    public IReadOnlyList<AgentTaskSummary> Tasks { get; init; } = [];
}

/// <summary>What one run of an agent did for one task.</summary>
public sealed class AgentTaskSummary
{
    public string TaskName { get; init; } = "";
    public long Succeeded { get; init; }
    public long Skipped { get; init; }
    public long Failed { get; init; }
    /// <summary>Bytes of the objects of this task that the run copied and verified.</summary>
    public long BytesTransferred { get; init; }
    public override string ToString() => TaskName;
}
