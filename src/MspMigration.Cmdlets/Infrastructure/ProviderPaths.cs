namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// Relative local paths (directories, and URL list files) are relative to the PowerShell
/// location, not the process directory; agents read them later, so they are made absolute.
/// </summary>
internal static class ProviderPaths
{
    public static string Resolve(string value, Func<string, string> resolvePath)
    {
        if (string.IsNullOrWhiteSpace(value)) return value;
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return resolvePath(value);
        var scheme = value[..schemeEnd];
        if (scheme.Equals("local", StringComparison.OrdinalIgnoreCase) || scheme.Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            var path = value[(schemeEnd + 3)..];
            return path.Length == 0 ? value : "local://" + resolvePath(path);
        }
        if (scheme.Equals("urllist", StringComparison.OrdinalIgnoreCase))
        {
            // urllist://<path>[?options]: only the path is resolved; the options go along as written.
            var rest = value[(schemeEnd + 3)..];
            var q = rest.IndexOf('?');
            var path = q < 0 ? rest : rest[..q];
            return path.Length == 0 ? value : "urllist://" + resolvePath(path) + (q < 0 ? "" : rest[q..]);
        }
        return value;
    }
}
