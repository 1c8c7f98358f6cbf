using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Output;

namespace MspMigration.Engine.Agent;

/// <summary>
/// What every part of one agent run reads and nothing more: its name, its configuration, the
/// control plane and the output channel (with the gate that lets a repeated warning through once),
/// and the memory its transfer buffers share ([agent] memory_mb).
/// </summary>
internal sealed record AgentContext(string Name, AgentConfig Config, IControlPlane Store, IEngineOutput Output)
{
    public WarningGate Warnings { get; } = new(Output);

    /// <summary>This run's Prometheus metrics: counted always, served when [agent] metrics says where.</summary>
    public AgentMetrics Metrics { get; } = new(Name);

    /// <summary>The memory all transfer buffers of this agent share ([agent] memory_mb).</summary>
    public Limits.MemoryBudget Buffers { get; } = new(Config.MemoryBudget);
}
