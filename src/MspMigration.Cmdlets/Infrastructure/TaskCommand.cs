using System.Management.Automation;
using MspMigration.Cmdlets.Completion;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>A cmdlet that acts on tasks named on the command line or piped in by property name.</summary>
public abstract class TaskCommand : MigrationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Write the task after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            try
            {
                Act(name);
            }
            catch (MigrationException e) when (e.ErrorId is "TaskNotFound" or "TaskStateInvalid")
            {
                Report(e); // one bad name in a pipeline does not stop the others
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                Fail(e);
            }
        }
    }

    protected abstract void Act(string name);
}
