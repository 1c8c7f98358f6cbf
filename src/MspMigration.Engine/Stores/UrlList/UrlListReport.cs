namespace MspMigration.Engine.Stores.UrlList;

/// <summary>Operator-facing text about a URL list's bad and duplicate lines, the first few named by number.</summary>
internal static class UrlListReport
{
    public const int LinesShown = 20;

    public static string Problems(string path, IReadOnlyList<UrlListProblem> problems)
    {
        var shown = string.Join("; ", problems.Take(LinesShown).Select(p => $"line {p.Line}: {p.Reason}"));
        var more = problems.Count > LinesShown ? $"; and {problems.Count - LinesShown} more" : "";
        var noun = problems.Count == 1 ? "line" : "lines";
        return $"The URL list '{path}' has {problems.Count} malformed {noun} (each must be an absolute http or https URL): {shown}{more}.";
    }

    public static string Duplicates(string path, IReadOnlyList<UrlListDuplicate> duplicates)
    {
        var shown = string.Join("; ", duplicates.Take(LinesShown).Select(d => $"line {d.Line} (key of line {d.KeptLine})"));
        var more = duplicates.Count > LinesShown ? $"; and {duplicates.Count - LinesShown} more" : "";
        return $"The URL list '{path}' gives {duplicates.Count} lines a key that an earlier line already has; the earlier line wins, these are skipped: {shown}{more}.";
    }
}
