namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// Maps object keys to paths under a root directory and refuses keys a file system cannot
/// hold faithfully or that would escape the root (hostile keys such as "../../etc/passwd").
/// </summary>
internal static class LocalKeyMapper
{
    /// <summary>Reserved top-level folder where writes are staged before the atomic rename.</summary>
    public const string StagingFolder = ".mspmigration-tmp";

    public static string ToPath(string root, string key)
    {
        var reason = Validate(key);
        if (reason is not null)
            throw new StoreException(StoreErrorKind.InvalidKey, $"Key '{Printable.Key(key)}' cannot be stored in a local directory: {reason}.");
        return Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    public static string? Validate(string key)
    {
        if (key.Length == 0) return "the key is empty";
        if (key.Contains('\0')) return "it contains a NUL character";
        if (Path.DirectorySeparatorChar != '/' && key.Contains(Path.DirectorySeparatorChar))
            return $"it contains '{Path.DirectorySeparatorChar}'";
        var segments = key.Split('/');
        if (segments[^1].Length == 0) return "it ends with '/' (a folder marker has no file form)";
        foreach (var segment in segments)
        {
            if (segment.Length == 0) return "it has an empty path segment ('//' or a leading '/')";
            if (segment is "." or "..") return "it has a '.' or '..' segment";
            if (System.Text.Encoding.UTF8.GetByteCount(segment) > 255) return "a path segment is longer than 255 bytes";
        }
        if (segments[0] == StagingFolder) return $"'{StagingFolder}' is reserved for staging";
        return null;
    }
}
