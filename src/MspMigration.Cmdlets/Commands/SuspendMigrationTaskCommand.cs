using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Pauses a task: agents finish the objects in flight and leave the rest until it is resumed.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MigrationTask))]
public sealed class SuspendMigrationTaskCommand : TaskCommand
{
    protected override void Act(string name)
    {
        if (!ShouldProcess(name, "Suspend migration task")) return;
        var service = Service();
        var task = Run(ct => service.SuspendTaskAsync(name, ct));
        if (PassThru) WriteObject(task);
    }
}
