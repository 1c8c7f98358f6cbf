namespace MspMigration;

/// <summary>One object whose last outcome was a failure.</summary>
public sealed class FailedObject
{
    public string TaskName { get; init; } = "";
    public string Key { get; init; } = "";
    public long Size { get; init; }
    public int Attempts { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
}
