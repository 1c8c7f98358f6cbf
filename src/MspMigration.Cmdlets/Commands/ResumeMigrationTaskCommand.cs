using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Resumes a suspended task; running agents pick it up at their next poll.</summary>
[Cmdlet(VerbsLifecycle.Resume, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(MigrationTask))]
public sealed class ResumeMigrationTaskCommand : TaskCommand
{
    protected override void Act(string name)
    {
        if (!ShouldProcess(name, "Resume migration task")) return;
        var service = Service();
        var task = Run(ct => service.ResumeTaskAsync(name, ct));
        if (PassThru) WriteObject(task);
    }
}
