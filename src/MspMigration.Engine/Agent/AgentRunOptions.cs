namespace MspMigration.Engine.Agent;

/// <summary>How long an agent runs and what it works on.</summary>
public sealed class AgentRunOptions
{
    /// <summary>Return once no task is left to work on, instead of polling for new tasks forever.</summary>
    public bool ExitWhenIdle { get; init; }

    /// <summary>Only these tasks (by name); all tasks when empty.</summary>
    public IReadOnlyCollection<string> TaskNames { get; init; } = [];

    /// <summary>Overrides agent.toml's concurrency when set.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Overrides agent.toml's agent name when set.</summary>
    public string? AgentName { get; init; }

    /// <summary>
    /// How often to read each task's status for <see cref="Output.IEngineOutput.TaskProgress"/>;
    /// null reads none (a host that shows no progress saves the queries).
    /// </summary>
    public TimeSpan? TaskProgressInterval { get; init; }
}
