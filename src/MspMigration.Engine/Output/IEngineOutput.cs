namespace MspMigration.Engine.Output;

/// <summary>
/// The one way the engine talks to its host (in the spirit of PSScriptAnalyzer's IOutputWriter):
/// facade calls that have something to tell take one and report through it, rather than through
/// callbacks, result properties or settings the host would have to read. Called from worker
/// threads: a host that must write from one thread (a PowerShell cmdlet) queues these calls.
/// </summary>
public interface IEngineOutput
{
    /// <summary>What an operator may want to follow (verbose in PowerShell).</summary>
    void Info(string message);

    /// <summary>What the operator should know but that does not stop the work.</summary>
    void Warning(string message);

    /// <summary>What this agent has done in this run, about once a second.</summary>
    void Progress(AgentProgress progress) { }

    /// <summary>
    /// The control plane's view of one task an agent works on, every
    /// <see cref="Agent.AgentRunOptions.TaskProgressInterval"/>: its counts include other agents'
    /// work, which is what an operator watching one agent wants to see.
    /// </summary>
    void TaskProgress(MigrationStatus status) { }

    /// <summary>A task the agent worked on has finished (or failed): its final status.</summary>
    void TaskFinished(MigrationStatus status) { }

    /// <summary>
    /// The agent cannot work on a task (a credential profile it lacks, a store this build cannot
    /// open) and leaves it to agents that can; reported once per task and run.
    /// </summary>
    void TaskNotWorkable(MigrationTask task, string reason) { }

    /// <summary>A consistency check found a difference between a task's source and destination.</summary>
    void Difference(ConsistencyDifference difference) { }
}

/// <summary>A snapshot of what one agent has done in this run, for progress display.</summary>
public sealed record AgentProgress(long ObjectsDone, long ObjectsFailed, long BytesTransferred, TimeSpan Elapsed, int SegmentsInFlight);

/// <summary>An output that ignores everything (tests, embedding).</summary>
public sealed class NullEngineOutput : IEngineOutput
{
    public static readonly NullEngineOutput Instance = new();
    public void Info(string message) { }
    public void Warning(string message) { }
}
