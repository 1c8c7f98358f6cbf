using System.Collections.Concurrent;
using System.Management.Automation;
using MspMigration.Cmdlets.Progress;
using MspMigration.Engine.Output;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// The cmdlets' side of the engine's output channel: information becomes verbose lines,
/// warnings warnings, and an agent's progress its bar with one child bar per task, all written
/// on the pipeline thread (through the cmdlet's message pump); remembers how each task finished.
/// </summary>
internal sealed class CmdletOutput(MigrationCmdlet cmdlet) : IEngineOutput
{
    private const int ActivityId = 1;
    private readonly TaskProgressView _tasks = new(ActivityId);
    private readonly ConcurrentDictionary<string, MigrationTaskState> _finished = new(StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, string> _notWorkable = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tasks that finished while this agent worked on them, in no particular order.</summary>
    public IReadOnlyDictionary<string, MigrationTaskState> Finished => _finished;

    /// <summary>Tasks this agent could not open (a profile it lacks), with the reason.</summary>
    public IReadOnlyDictionary<string, string> NotWorkable => _notWorkable;

    /// <summary>The agent whose progress bar this draws.</summary>
    public string AgentName { get; init; } = "";

    private string Activity => $"Migration agent {AgentName}";

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

    public void TaskFinished(MigrationStatus status)
    {
        _finished[status.TaskName] = status.State;
        ProgressRecord record;
        lock (_tasks) record = _tasks.Completed(status.TaskName, status.State.ToString());
        cmdlet.PostProgress(record);
        var name = status.TaskName;
        switch (status.State)
        {
            case MigrationTaskState.Completed:
                cmdlet.PostVerbose($"Task '{name}' finished: Completed.");
                break;
            case MigrationTaskState.CompletedWithFailures:
                cmdlet.PostWarning($"Task '{name}' finished: CompletedWithFailures, {status.Failed:N0} of {status.Total:N0} objects failed" +
                    (status.Archived > 0 ? $" and {status.Archived:N0} are archived at the source, not restored; " : "; ") +
                    $"Export-FailedObjects -Name '{name}' lists them.");
                break;
            default:
                cmdlet.PostWarning($"Task '{name}' finished: {status.State}.");
                break;
        }
    }

    public void TaskNotWorkable(MigrationTask task, string reason) => _notWorkable[task.Name] = reason;

    /// <summary>Clears every bar this agent drew; call once the agent has stopped.</summary>
    public void Complete()
    {
        List<ProgressRecord> records;
        lock (_tasks) records = [.. _tasks.CompleteAll()];
        foreach (var record in records) cmdlet.PostProgress(record);
        cmdlet.PostProgress(new ProgressRecord(ActivityId, Activity, "Stopped") { RecordType = ProgressRecordType.Completed });
    }
}
