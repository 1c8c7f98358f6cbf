using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;
using MspMigration.Engine.Agent;

namespace MspMigration.Cmdlets.Bridge;

/// <summary>Turns agent events into verbose lines, warnings and a progress bar on the pipeline thread.</summary>
internal sealed class AgentObserver(MigrationCmdlet cmdlet, string agentName) : IAgentObserver
{
    private const int ActivityId = 1;

    public void Info(string message) => cmdlet.PostVerbose(message);
    public void Warning(string message) => cmdlet.PostWarning(message);

    public void Progress(AgentProgress progress)
    {
        var seconds = Math.Max(progress.Elapsed.TotalSeconds, 0.001);
        var record = new ProgressRecord(ActivityId, $"Migration agent {agentName}",
            $"{progress.ObjectsDone:N0} objects ({progress.ObjectsFailed:N0} failed), {Units.Bytes(progress.BytesTransferred)}, " +
            $"{Units.Bytes((long)(progress.BytesTransferred / seconds))}/s, {progress.ObjectsDone / seconds:N0} objects/s, " +
            $"{progress.SegmentsInFlight} segments in flight");
        cmdlet.PostProgress(record);
    }

    public void TaskFinished(MigrationTask task, MigrationTaskState state) =>
        cmdlet.PostVerbose($"Task '{task.Name}' finished: {state}.");

    public void Complete() =>
        cmdlet.PostProgress(new ProgressRecord(ActivityId, $"Migration agent {agentName}", "Stopped") { RecordType = ProgressRecordType.Completed });
}
