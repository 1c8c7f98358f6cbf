using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Lists the objects whose last outcome was a failure; with -Path, writes them as CSV or JSON.</summary>
[Cmdlet(VerbsData.Export, "FailedObjects", SupportsShouldProcess = true, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(FailedObject))]
public sealed class ExportFailedObjectsCommand : MigrationCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string FileSet = "File";
    private List<FailedObject>? _collected;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>File to write; the format follows the extension (.json, else CSV) unless -Format says otherwise.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = FileSet)]
    [ValidateSet("Csv", "Json")]
    public string? Format { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter(ParameterSetName = FileSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>With -Path, also write the objects to the pipeline.</summary>
    [Parameter(ParameterSetName = FileSet)]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if (Path is null) return;
        if (ExportFile.MissingFolder(ResolvePath(Path), Path) is { } missing) ThrowTerminatingError(missing);
        _collected = [];
    }

    protected override void ProcessRecord()
    {
        var collected = _collected;
        var emit = collected is null || PassThru;
        // Streamed page by page onto the pipeline: a long failed list is never held whole
        // unless a file is being written.
        ForEachTask(Name, (service, name) => RunPumped(async ct =>
        {
            await foreach (var item in service.GetFailedObjectsAsync(name, ct).ConfigureAwait(false))
            {
                collected?.Add(item);
                if (emit) PostObject(item);
            }
            return true;
        }));
    }

    protected override void EndProcessing()
    {
        try
        {
            if (_collected is null || Path is null) return;
            var path = ResolvePath(Path);
            var json = ExportFile.IsJson(path, Format);
            if (ExportFile.Exists(path, Force) is { } exists) ThrowTerminatingError(exists);
            if (!ShouldProcess(path, $"Write {_collected.Count} failed objects as {(json ? "JSON" : "CSV")}")) return;
            ExportFile.Write(path, json ? FailedObjectFiles.Json(_collected) : FailedObjectFiles.Csv(_collected));
        }
        finally
        {
            base.EndProcessing();
        }
    }
}

/// <summary>The two file formats of an export.</summary>
internal static class FailedObjectFiles
{
    public static string Json(IReadOnlyList<FailedObject> items) =>
        JsonSerializer.Serialize(items, new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() } });

    public static string Csv(IReadOnlyList<FailedObject> items)
    {
        var sb = new StringBuilder("TaskName,Key,Size,Attempts,Reason,Error,LastAttemptAt\n");
        foreach (var i in items)
            sb.Append(ExportFile.Field(i.TaskName)).Append(',').Append(ExportFile.Field(i.Key)).Append(',').Append(i.Size).Append(',')
              .Append(i.Attempts).Append(',').Append(i.Reason).Append(',').Append(ExportFile.Field(i.Error)).Append(',')
              .Append(i.LastAttemptAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
