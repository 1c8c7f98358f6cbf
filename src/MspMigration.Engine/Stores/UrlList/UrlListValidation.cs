namespace MspMigration.Engine.Stores.UrlList;

/// <summary>Checks a URL list at task creation, so a bad list is refused before anything is created.</summary>
internal static class UrlListValidation
{
    /// <summary>Throws for a missing, unreadable or malformed list; returns warnings (duplicates, emptiness).</summary>
    public static IReadOnlyList<string> Validate(string path, string stripPrefix)
    {
        if (!File.Exists(path))
            throw new MigrationException("SourceNotFound", MigrationErrorKind.ObjectNotFound,
                Directory.Exists(path) ? $"The URL list '{path}' is a directory, not a file." : $"The URL list file '{path}' does not exist.", path);
        UrlListIndex index;
        try
        {
            index = UrlListParser.Load(path, stripPrefix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException("UrlListUnreadable", MigrationErrorKind.PermissionDenied, $"The URL list '{path}' cannot be read: {e.Message}", path, e);
        }
        if (index.Problems.Count > 0)
            throw new MigrationException("UrlListInvalid", MigrationErrorKind.InvalidData, UrlListReport.Problems(path, index.Problems), path);
        var warnings = new List<string>();
        if (index.Duplicates.Count > 0) warnings.Add(UrlListReport.Duplicates(path, index.Duplicates));
        if (index.Count == 0) warnings.Add($"The URL list '{path}' holds no URLs; the task will complete with nothing to copy.");
        return warnings;
    }
}
