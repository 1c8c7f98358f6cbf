using System.Management.Automation;
using MspMigration.Cmdlets.Bridge;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Checks that this machine can list, read and write a store with a credential profile, and
/// says what is wrong when it cannot. The write check stores and deletes a small probe object.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MigrationEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EndpointTestResult))]
public sealed class TestMigrationEndpointCommand : MigrationCmdlet
{
    /// <summary>oss://bucket/prefix, cos://name-appid/prefix, s3://bucket/prefix or a directory.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Source", "Destination")]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = "";

    /// <summary>The credential profile of agent.toml to use.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? Profile { get; set; }

    /// <summary>Check listing and reading only (for a source the profile must not write to).</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var service = Service();
            var location = StorePaths.Resolve(Location, ResolvePath);
            // Without -ReadOnly a probe object is written and deleted: that is the state change.
            var write = !ReadOnly && ShouldProcess(location, "Write and delete a probe object");
            WriteObject(Run(ct => service.TestEndpointAsync(location, Profile, write, ct)));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Report(e);
        }
    }
}
