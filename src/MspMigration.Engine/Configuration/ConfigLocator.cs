namespace MspMigration.Engine.Configuration;

/// <summary>Finds agent.toml: an explicit path, then $MSPMIGRATION_CONFIG, then ~/.mspmigration/agent.toml.</summary>
public static class ConfigLocator
{
    public const string ConfigVariable = "MSPMIGRATION_CONFIG";
    public const string HomeVariable = "MSPMIGRATION_HOME";

    public static string Home =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mspmigration");

    public static AgentConfig Load(string? explicitPath)
    {
        var path = explicitPath;
        if (string.IsNullOrEmpty(path))
            path = Environment.GetEnvironmentVariable(ConfigVariable);
        if (string.IsNullOrEmpty(path))
        {
            var fallback = Path.Combine(Home, "agent.toml");
            return File.Exists(fallback) ? ConfigParser.ParseFile(fallback) : new AgentConfig();
        }
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new MigrationException("ConfigNotFound", MigrationErrorKind.ObjectNotFound,
                $"The agent configuration file '{path}' does not exist.", path);
        return ConfigParser.ParseFile(path);
    }
}
