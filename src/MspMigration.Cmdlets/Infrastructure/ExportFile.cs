using System.Management.Automation;
using System.Text;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>What every -Path export shares: the folder checked up front, the format, no silent overwrite, CSV quoting.</summary>
internal static class ExportFile
{
    /// <summary>Null when the folder of <paramref name="path"/> exists; checked before any work, so a mistyped folder costs nothing.</summary>
    public static ErrorRecord? MissingFolder(string path, string given)
    {
        var folder = Path.GetDirectoryName(path);
        return string.IsNullOrEmpty(folder) || Directory.Exists(folder) ? null
            : ErrorRecords.Create("ExportPathNotFound", ErrorCategory.ObjectNotFound,
                $"Cannot write '{path}': the folder '{folder}' does not exist. Create it first, or choose another -Path.", given);
    }

    /// <summary>JSON when -Format says so, else when the extension is .json; CSV otherwise.</summary>
    public static bool IsJson(string path, string? format) => format is not null
        ? format.Equals("Json", StringComparison.OrdinalIgnoreCase)
        : Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);

    public static ErrorRecord? Exists(string path, bool force) => File.Exists(path) && !force
        ? ErrorRecords.Create("FileExists", ErrorCategory.ResourceExists, $"The file '{path}' already exists; use -Force to overwrite it.", path)
        : null;

    public static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));

    // RFC 4180 quoting, as Export-Csv writes it. Keys are kept exactly (no formula defusing),
    // because an export is a list a retry or a fix works from.
    public static string Field(string? value) => "\"" + (value ?? "").Replace("\"", "\"\"") + "\"";
}
