using System.Diagnostics;
using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;
using MspMigration.Cmdlets.Progress;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Waits until the named tasks finish, for a script whose agents run elsewhere: writes each
/// task's status as it finishes and reports unclean ends and time-outs as errors, so that
/// `pwsh -Command` exits 1 when the migration did not succeed completely.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "MigrationTask")]
[OutputType(typeof(MigrationStatus))]
public sealed class WaitMigrationTaskCommand : MigrationCmdlet
{
    private readonly List<string> _names = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Seconds to wait at most; without it, wait until every task finished.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; }

    [Parameter]
    [Alias("PollInterval")]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 2;

    protected override void ProcessRecord() =>
        ForEachTask(Name, (service, name) =>
        {
            // The stored spelling, so that names typed in another case are one task.
            var task = Run(ct => service.GetTaskAsync(name, ct));
            if (!_names.Contains(task.Name, StringComparer.OrdinalIgnoreCase)) _names.Add(task.Name);
        });

    protected override void EndProcessing()
    {
        try
        {
            if (_names.Count > 0) WaitForAll(Service());
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Ctrl+C: stop waiting; the tasks go on in their agents.
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            Fail(e);
        }
        finally
        {
            base.EndProcessing();
        }
    }

    private void WaitForAll(Engine.Facade.MigrationService service)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? limit = Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null;
        var view = new TaskProgressView(-1);
        var showProgress = ShowsProgress;
        var waiting = new List<string>(_names);
        while (true)
        {
            foreach (var name in waiting.ToList())
            {
                MigrationStatus status;
                try { status = Run(ct => service.GetStatusAsync(name, ct)); }
                catch (MigrationException e) when (e.ErrorId == "TaskNotFound")
                {
                    waiting.Remove(name); // removed while waited for
                    Report(e);
                    continue;
                }
                if (!status.IsFinished)
                {
                    if (showProgress) WriteProgress(view.Update(status));
                    continue;
                }
                waiting.Remove(name);
                if (showProgress) WriteProgress(view.Completed(name, status.State.ToString()));
                WriteObject(status);
                if (status.State != MigrationTaskState.Completed) WriteError(ErrorRecords.TaskNotClean(status));
            }
            if (waiting.Count == 0) return;
            var left = limit is { } l ? l - clock.Elapsed : TimeSpan.MaxValue;
            if (left <= TimeSpan.Zero) break;
            var pause = TimeSpan.FromSeconds(PollIntervalSeconds);
            Cancellation.WaitHandle.WaitOne(left < pause ? left : pause);
            Cancellation.ThrowIfCancellationRequested();
        }
        // Time is up: where each unfinished task stands, then an error for each.
        foreach (var name in waiting)
        {
            var status = Run(ct => service.GetStatusAsync(name, ct));
            if (showProgress) WriteProgress(view.Completed(name, "Timed out"));
            WriteObject(status);
            WriteError(ErrorRecords.WaitTimedOut(status, Timeout));
        }
    }
}
