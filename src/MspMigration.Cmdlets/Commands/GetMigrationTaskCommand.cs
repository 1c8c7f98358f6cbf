using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Lists migration tasks, by name (wildcards allowed) and state.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationTask")]
[OutputType(typeof(MigrationTask))]
public sealed class GetMigrationTaskCommand : MigrationCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public MigrationTaskState[]? State { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var service = Service();
            var tasks = Run(service.ListTasksAsync);
            IEnumerable<MigrationTask> selected = tasks;
            if (State is { Length: > 0 }) selected = selected.Where(t => State.Contains(t.State));
            if (Name is null)
            {
                WriteObject(selected, enumerateCollection: true);
                return;
            }
            var list = selected.ToList();
            foreach (var name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = list.Where(t => pattern.IsMatch(t.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ErrorRecords.From(new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound,
                        $"No task named '{name}' exists in {service.ControlPlaneDescription}.", name)));
                WriteObject(matches, enumerateCollection: true);
            }
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e);
        }
    }
}
