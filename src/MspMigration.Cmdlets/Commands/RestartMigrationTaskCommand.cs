using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Runs a finished task again: -FailedOnly queues only the objects that failed; -Incremental
/// starts a secondary pass that copies only objects new or changed since they were migrated.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = FailedSet)]
[OutputType(typeof(MigrationTask))]
public sealed class RestartMigrationTaskCommand : TaskCommand
{
    private const string FailedSet = "FailedOnly";
    private const string IncrementalSet = "Incremental";

    [Parameter(Mandatory = true, ParameterSetName = FailedSet)]
    public SwitchParameter FailedOnly { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IncrementalSet)]
    public SwitchParameter Incremental { get; set; }

    protected override void Act(string name)
    {
        var service = Service();
        if (Incremental)
        {
            if (!ShouldProcess(name, "Start a secondary (incremental) migration pass")) return;
            var pass = Run(ct => service.StartIncrementalPassAsync(name, ct));
            WriteVerbose($"Task '{name}' starts pass {pass}; agents list the source again and copy only new or changed objects.");
        }
        else
        {
            if (!FailedOnly || !ShouldProcess(name, "Queue the failed objects again")) return;
            var count = Run(ct => service.RetryFailedAsync(name, ct));
            WriteVerbose($"Task '{name}': {count:N0} failed objects queued again.");
        }
        if (PassThru) WriteObject(Run(ct => service.GetTaskAsync(name, ct)));
    }
}
