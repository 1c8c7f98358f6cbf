using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;
using MspMigration.Cmdlets.Progress;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Shows tasks' state and counts (every task when no name is given); with -Wait, a progress bar
/// per task until each finishes.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MigrationStatus")]
[OutputType(typeof(MigrationStatus))]
public sealed class GetMigrationStatusCommand : MigrationCmdlet
{
    private readonly List<string> _waiting = [];

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Wait, showing progress, until every named task has finished (or failed).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 2;

    /// <summary>
    /// Count the journal object by object and compare with the counters the status reads; where they
    /// differ (a journal edited by hand), warn and replace them with the count.
    /// </summary>
    [Parameter]
    public SwitchParameter Recount { get; set; }

    protected override void ProcessRecord() =>
        // No name means every task: a status overview should not prompt for one.
        ForEachTask(Name.Length == 0 ? ["*"] : Name, (service, name) =>
        {
            if (Recount)
                foreach (var m in Run(ct => service.RecountAsync(name, ct)))
                    WriteWarning($"Task '{name}': the {m.Outcome}{(m.Archived ? " (archived)" : "")} counter of pass {m.Pass} read {m.CountedObjects} objects ({m.CountedBytes} bytes) " +
                        $"but the journal holds {m.JournalObjects} ({m.JournalBytes} bytes); the counter now reads the journal's count.");
            var status = Run(ct => service.GetStatusAsync(name, ct));
            if (Wait && !status.IsFinished) _waiting.Add(status.TaskName);
            else WriteObject(status);
        });

    // Tasks piped in are watched together, one bar each, rather than one after the other;
    // each status is written as its task finishes.
    protected override void EndProcessing()
    {
        try
        {
            if (_waiting.Count == 0) return;
            var service = Service();
            var view = new TaskProgressView(-1);
            var showProgress = ShowsProgress;
            while (_waiting.Count > 0)
            {
                foreach (var name in _waiting.ToList())
                {
                    var status = Run(ct => service.GetStatusAsync(name, ct));
                    if (status.IsFinished)
                    {
                        _waiting.Remove(name);
                        if (showProgress) WriteProgress(view.Completed(name, status.State.ToString()));
                        WriteObject(status);
                    }
                    else if (showProgress)
                    {
                        WriteProgress(view.Update(status));
                    }
                }
                if (_waiting.Count == 0) break;
                Cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(PollIntervalSeconds));
                Cancellation.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Ctrl+C: stop watching; the task goes on in its agents.
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e);
        }
        finally
        {
            base.EndProcessing();
        }
    }
}
