namespace MspMigration;

/// <summary>An agent known to the control plane.</summary>
public sealed class AgentInfo
{
    public string Name { get; init; } = "";
    public string? Address { get; init; }
    public int ProcessId { get; init; }
    public string? HostName { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset LastHeartbeat { get; init; }
    public bool IsAlive { get; init; }
    public int SegmentsInFlight { get; init; }
}
