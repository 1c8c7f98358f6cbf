namespace MspMigration;

/// <summary>An agent known to the control plane.</summary>
public sealed class AgentInfo
{
    public string Name { get; init; } = "";
    public string? Address { get; init; }
    public int ProcessId { get; init; }
    public string? HostName { get; init; }
    /// <summary>When the process started, in the host's own terms (Linux: clock ticks since boot); with
    /// <see cref="BootId"/> it tells a restarted agent whether its predecessor still runs.</summary>
    public long? ProcessStart { get; init; }
    /// <summary>The host's boot id (Linux); null elsewhere.</summary>
    public string? BootId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset LastHeartbeat { get; init; }
    public bool IsAlive { get; init; }
    /// <summary>Alive; Stopped (said goodbye, e.g. Ctrl+C); Lost (stopped heartbeating without a goodbye).</summary>
    public AgentState State { get; init; }
    public int SegmentsInFlight { get; init; }
    /// <summary>What the agent does for each unfinished task it is involved in.</summary>
    public IReadOnlyList<AgentTaskRole> Tasks { get; init; } = [];
    /// <summary>Objects per second over the agent's last heartbeat interval; 0 unless alive.</summary>
    public double ObjectsPerSecond { get; init; }
    /// <summary>Bytes per second over the agent's last heartbeat interval; 0 unless alive.</summary>
    public double BytesPerSecond { get; init; }
}

/// <summary>An agent's part in one task.</summary>
public sealed class AgentTaskRole
{
    public string TaskName { get; init; } = "";
    public AgentRole Role { get; init; }
    public int SegmentsInFlight { get; init; }
    public override string ToString() => $"{TaskName}:{Role}";
}
