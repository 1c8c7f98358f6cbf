using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>The two file formats of a consistency report: CSV holds one row per difference; JSON the summaries too.</summary>
internal static class ConsistencyReportFiles
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, Converters = { new JsonStringEnumConverter() }, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Json(IReadOnlyList<ConsistencySummary> summaries, IReadOnlyList<ConsistencyDifference> differences) =>
        JsonSerializer.Serialize(new { Summaries = summaries, Differences = differences }, Options);

    public static string Csv(IReadOnlyList<ConsistencyDifference> items)
    {
        var sb = new StringBuilder("TaskName,Key,Kind,SourceSize,DestinationSize,Evidence,Reason\n");
        foreach (var i in items)
            sb.Append(ExportFile.Field(i.TaskName)).Append(',').Append(ExportFile.Field(i.Key)).Append(',').Append(i.Kind).Append(',')
              .Append(i.SourceSize?.ToString(CultureInfo.InvariantCulture)).Append(',').Append(i.DestinationSize?.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(i.Evidence).Append(',').Append(ExportFile.Field(i.Reason)).Append('\n');
        return sb.ToString();
    }
}
