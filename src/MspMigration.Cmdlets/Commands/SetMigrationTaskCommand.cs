using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Changes a task's limits, daily window or same-name policy, also while it runs.</summary>
[Cmdlet(VerbsCommon.Set, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MigrationTask))]
public sealed class SetMigrationTaskCommand : TaskCommand
{
    /// <summary>Objects started per second for the whole cluster; 0 or "none" removes the limit.</summary>
    [Parameter]
    public string? QpsLimit { get; set; }

    /// <summary>50kbit, 10Mbit, 20MB, 512KiB or a number of bytes per second; 0 or "none" removes it.</summary>
    [Parameter]
    public string? BandwidthLimit { get; set; }

    /// <summary>Daily window such as 21:00-06:00; an empty string removes it.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? TimeWindow { get; set; }

    [Parameter]
    public SameNamePolicy? SameNamePolicy { get; set; }

    protected override void Act(string name)
    {
        var changes = new Engine.Facade.TaskChanges
        {
            QpsLimit = QpsLimit,
            BandwidthLimit = BandwidthLimit,
            TimeWindow = TimeWindow,
            SameNamePolicy = SameNamePolicy,
        };
        if (!ShouldProcess(name, "Change migration task settings")) return;
        var service = Service();
        var task = Run(ct => service.SetTaskAsync(name, changes, ct));
        if (PassThru) WriteObject(task);
    }
}
