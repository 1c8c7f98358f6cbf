namespace MspMigration;

/// <summary>One object whose last outcome was a failure.</summary>
public sealed class FailedObject
{
    public string TaskName { get; init; } = "";
    public string Key { get; init; } = "";
    public long Size { get; init; }
    public int Attempts { get; init; }
    /// <summary>Why it failed, the same word for every object that failed alike: group by it.</summary>
    public FailureReason Reason { get; init; }
    /// <summary>What happened, naming the key.</summary>
    public string? Error { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
}
