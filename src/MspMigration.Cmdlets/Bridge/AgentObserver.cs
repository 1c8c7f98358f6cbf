using System.Collections.Concurrent;
using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;
using MspMigration.Cmdlets.Progress;
using MspMigration.Engine.Agent;

namespace MspMigration.Cmdlets.Bridge;

/// <summary>
/// Turns agent events into verbose lines, warnings and progress bars (the agent's own, with one
/// child bar per task) on the pipeline thread, and remembers how each task finished.
/// </summary>
internal sealed class AgentObserver(MigrationCmdlet cmdlet, string agentName) : IAgentObserver
{
    private const int ActivityId = 1;
    private readonly TaskProgressView _tasks = new(ActivityId);
    private readonly ConcurrentDictionary<string, MigrationTaskState> _finished = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tasks that finished while this agent worked on them, in no particular order.</summary>
    public IReadOnlyDictionary<string, MigrationTaskState> Finished => _finished;

    private string Activity => $"Migration agent {agentName}";

    public void Info(string message) => cmdlet.PostVerbose(message);
    public void Warning(string message) => cmdlet.PostWarning(message);

    public void Progress(AgentProgress progress)
    {
        var seconds = Math.Max(progress.Elapsed.TotalSeconds, 0.001);
        cmdlet.PostProgress(new ProgressRecord(ActivityId, Activity,
            $"This agent: {progress.ObjectsDone:N0} objects ({progress.ObjectsFailed:N0} failed), {Units.Bytes(progress.BytesTransferred)}, " +
            $"{Units.Bytes((long)(progress.BytesTransferred / seconds))}/s, {progress.ObjectsDone / seconds:N0} objects/s, " +
            $"{progress.SegmentsInFlight} segments in flight"));
    }

    public void TaskProgress(MigrationStatus status)
    {
        ProgressRecord record;
        lock (_tasks) record = _tasks.Update(status);
        cmdlet.PostProgress(record);
    }

    public void TaskFinished(MigrationTask task, MigrationTaskState state)
    {
        _finished[task.Name] = state;
        ProgressRecord record;
        lock (_tasks) record = _tasks.Completed(task.Name, state.ToString());
        cmdlet.PostProgress(record);
        if (state == MigrationTaskState.Completed) cmdlet.PostVerbose($"Task '{task.Name}' finished: {state}.");
        else cmdlet.PostWarning($"Task '{task.Name}' finished: {state}.");
    }

    /// <summary>Clears every bar this agent drew; call once the agent has stopped.</summary>
    public void Complete()
    {
        List<ProgressRecord> records;
        lock (_tasks) records = [.. _tasks.CompleteAll()];
        foreach (var record in records) cmdlet.PostProgress(record);
        cmdlet.PostProgress(new ProgressRecord(ActivityId, Activity, "Stopped") { RecordType = ProgressRecordType.Completed });
    }
}
