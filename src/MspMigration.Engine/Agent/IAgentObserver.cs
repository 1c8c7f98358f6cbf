namespace MspMigration.Engine.Agent;

/// <summary>A snapshot of what one agent has done in this run, for progress display.</summary>
public sealed record AgentProgress(long ObjectsDone, long ObjectsFailed, long BytesTransferred, TimeSpan Elapsed, int SegmentsInFlight);

/// <summary>
/// How the agent reports to its host. Called from worker threads: a host that must write from
/// one thread (a PowerShell cmdlet) queues these calls rather than acting on them directly.
/// </summary>
public interface IAgentObserver
{
    void Info(string message);
    void Warning(string message);
    void Progress(AgentProgress progress);

    /// <summary>
    /// The control plane's view of one task this agent works on, every
    /// <see cref="AgentRunOptions.TaskProgressInterval"/>: its counts include other agents' work,
    /// which is what an operator watching one agent wants to see.
    /// </summary>
    void TaskProgress(MigrationStatus status) { }

    /// <summary>A task this agent worked on has finished (or failed): its final status.</summary>
    void TaskFinished(MigrationStatus status);

    /// <summary>
    /// This agent cannot work on a task (a credential profile it lacks, a store this build cannot
    /// open) and leaves it to agents that can; reported once per task and run.
    /// </summary>
    void TaskNotWorkable(MigrationTask task, string reason) { }
}

/// <summary>An observer that ignores everything (tests, embedding).</summary>
public sealed class NullAgentObserver : IAgentObserver
{
    public static readonly NullAgentObserver Instance = new();
    public void Info(string message) { }
    public void Warning(string message) { }
    public void Progress(AgentProgress progress) { }
    public void TaskFinished(MigrationStatus status) { }
}
