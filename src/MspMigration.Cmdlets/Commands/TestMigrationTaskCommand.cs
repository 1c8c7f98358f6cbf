using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Compares a task's source and destination object by object and writes one object per
/// difference, then a summary per task; differences are a non-terminating TaskNotConsistent
/// error, so that `pwsh -Command` exits 1 when a migration is not consistent.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MigrationTask")]
[OutputType(typeof(ConsistencyDifference), typeof(ConsistencySummary))]
public sealed class TestMigrationTaskCommand : MigrationCmdlet
{
    private List<ConsistencyDifference>? _differences;
    private List<ConsistencySummary>? _summaries;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Read both sides of every object and compare CRC-64s of the bytes, whatever the stores report.</summary>
    [Parameter]
    public SwitchParameter Deep { get; set; }

    /// <summary>Also write the report to this file: JSON for .json (or -Format Json), else CSV.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateSet("Csv", "Json")]
    public string? Format { get; set; }

    /// <summary>Overwrite an existing report file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        if (Path is null) return;
        var path = ResolvePath(Path);
        if (ExportFile.MissingFolder(path, Path) is { } missing) ThrowTerminatingError(missing);
        if (ExportFile.Exists(path, Force) is { } exists) ThrowTerminatingError(exists);
        _differences = [];
        _summaries = [];
    }

    protected override void ProcessRecord() =>
        ForEachTask(Name, (service, name) =>
        {
            var output = new ReportOutput(this, _differences);
            var summary = RunPumped(ct => service.TestTaskAsync(name, Deep, output, ct));
            _summaries?.Add(summary);
            WriteObject(summary);
            if (!summary.IsConsistent) WriteError(ErrorRecords.TaskNotConsistent(summary));
        });

    protected override void EndProcessing()
    {
        try
        {
            if (Path is null || _differences is null || _summaries is null) return;
            var path = ResolvePath(Path);
            var sorted = _differences.OrderBy(d => d.TaskName, StringComparer.OrdinalIgnoreCase).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
            ExportFile.Write(path, ExportFile.IsJson(path, Format) ? ConsistencyReportFiles.Json(_summaries, sorted) : ConsistencyReportFiles.Csv(sorted));
        }
        finally
        {
            base.EndProcessing();
        }
    }

    /// <summary>Differences onto the pipeline as they are found (and into the report); progress lines as verbose.</summary>
    private sealed class ReportOutput(TestMigrationTaskCommand cmdlet, List<ConsistencyDifference>? collected) : Engine.Output.IEngineOutput
    {
        public void Info(string message) => cmdlet.PostVerbose(message);
        public void Warning(string message) => cmdlet.PostWarning(message);

        public void Difference(ConsistencyDifference difference)
        {
            if (collected is not null) lock (collected) collected.Add(difference);
            cmdlet.PostObject(difference);
        }
    }
}
