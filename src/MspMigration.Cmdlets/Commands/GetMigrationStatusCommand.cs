using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Shows a task's state and counts; with -Wait, a progress bar until it finishes.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationStatus")]
[OutputType(typeof(MigrationStatus))]
public sealed class GetMigrationStatusCommand : MigrationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Wait, showing progress, until the task has finished (or failed).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 2;

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            try
            {
                var service = Service();
                var status = Run(ct => service.GetStatusAsync(name, ct));
                var activity = $"Migration task {name}";
                while (Wait && !status.IsFinished)
                {
                    WriteProgress(new ProgressRecord(1, activity,
                        $"{status.State}: {status.Succeeded + status.Skipped + status.Failed:N0} of {status.Total:N0}{(status.ListingComplete ? "" : "+")} objects, " +
                        $"{status.Failed:N0} failed, {Units.Bytes(status.TransferredBytes)} at {Units.Bytes((long)status.BytesPerSecond)}/s")
                    {
                        PercentComplete = (int)Math.Min(100, status.PercentComplete),
                    });
                    Cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(PollIntervalSeconds));
                    Cancellation.ThrowIfCancellationRequested();
                    status = Run(ct => service.GetStatusAsync(name, ct));
                }
                if (Wait) WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
                WriteObject(status);
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (MigrationException e) when (e.ErrorId == "TaskNotFound")
            {
                Report(e);
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                Fail(e);
            }
        }
    }
}
