namespace MspMigration.Cmdlets.Bridge;

/// <summary>Relative local paths are relative to the PowerShell location, not the process directory.</summary>
internal static class StorePaths
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
        return value;
    }
}
