using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Removes a task and its journal from the control plane; objects already copied stay where they are.</summary>
[Cmdlet(VerbsCommon.Remove, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMigrationTaskCommand : TaskCommand
{
    /// <summary>Remove without asking, even a running task.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Act(string name)
    {
        // -Force skips the confirmation, never -WhatIf.
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent;
        if (!(Force && !whatIf) && !Confirmed(name)) return;
        var service = Service();
        Run(async ct =>
        {
            await service.RemoveTaskAsync(name, Force, ct).ConfigureAwait(false);
            return true;
        });
    }

    // A session that cannot ask (pwsh -NonInteractive, a service) would otherwise fail with the
    // host's own "Read and Prompt functionality is not available".
    private bool Confirmed(string name)
    {
        try
        {
            return ShouldProcess(name, "Remove migration task and its journal");
        }
        catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException)
        {
            throw new MigrationException("ConfirmationRequired", MigrationErrorKind.InvalidOperation,
                $"Removing task '{name}' needs a confirmation that this non-interactive session cannot ask for; " +
                "add -Force (or -Confirm:$false) to remove it without asking.", name);
        }
    }
}
