namespace MspMigration.Engine.Configuration;

/// <summary>An agent.toml that holds secrets must not be world-readable.</summary>
public static class ConfigPermissions
{
    public static string? Warning(string path, IEnumerable<CredentialProfile> profiles)
    {
        if (OperatingSystem.IsWindows()) return null; // ACLs, not mode bits; out of scope here
        var holdsSecrets = profiles.Any(p => p.Keys.Any(SecretNames.IsSecret));
        if (!holdsSecrets) return null;
        UnixFileMode mode;
        try { mode = File.GetUnixFileMode(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if ((mode & UnixFileMode.OtherRead) == 0) return null;
        return $"The agent configuration '{path}' holds credentials and is readable by every user of this machine; restrict it with: chmod 600 '{path}'.";
    }
}
