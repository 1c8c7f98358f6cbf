using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Lists the agents known to the control plane, alive or stopped.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationAgent")]
[OutputType(typeof(AgentInfo))]
public sealed class GetMigrationAgentCommand : MigrationCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AgentName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentNameCompleter))]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var service = Service();
            var pattern = WildcardPattern.Get(Name ?? "*", WildcardOptions.IgnoreCase);
            WriteObject(Run(service.ListAgentsAsync).Where(a => pattern.IsMatch(a.Name)), enumerateCollection: true);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e);
        }
    }
}
