using Tomlyn;
using Tomlyn.Model;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Engine.Configuration;

/// <summary>Parses agent.toml with Tomlyn's table model, naming the offending setting on any error.</summary>
public static class ConfigParser
{
    // segment_mb counts decimal megabytes, as MSP's "100 GB per segment" does.
    private const long Megabyte = 1000 * 1000;

    public static AgentConfig ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(path, $"it cannot be read: {e.Message}");
        }
        return Parse(text, path, checkPermissions: true);
    }

    public static AgentConfig Parse(string text, string path) => Parse(text, path, checkPermissions: false);

    private static AgentConfig Parse(string text, string path, bool checkPermissions)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
        }
        catch (Exception e)
        {
            // Parser messages quote positions, not values, so no secret leaks through them.
            throw Invalid(path, $"it is not valid TOML: {FirstLine(e.Message)}");
        }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var agent = Table(root, "agent", path);
        var cp = Table(root, "control_plane", path);
        var defaults = new AgentConfig();

        var controlPlane = defaults.ControlPlane;
        if (cp is not null)
        {
            var sqlite = String(cp, "sqlite", path, "control_plane");
            var postgres = String(cp, "postgres", path, "control_plane");
            var passwordEnv = String(cp, "password_env", path, "control_plane");
            if (sqlite is not null && postgres is not null)
                throw Invalid(path, "[control_plane] names both 'sqlite' and 'postgres'; choose one");
            if (passwordEnv is not null && postgres is null)
                throw Invalid(path, "'password_env' of [control_plane] applies only to 'postgres'");
            if (passwordEnv is not null && (passwordEnv.Length == 0 || passwordEnv.Contains('=') || passwordEnv.Any(char.IsWhiteSpace)))
                throw Invalid(path, "'password_env' of [control_plane] must be the name of an environment variable");
            if (sqlite is not null) controlPlane = new ControlPlaneConfig(ControlPlaneConfig.Sqlite, Path.GetFullPath(sqlite, baseDir));
            if (postgres is not null) controlPlane = new ControlPlaneConfig(ControlPlaneConfig.Postgres, postgres, passwordEnv);
        }

        var profiles = new Dictionary<string, CredentialProfile>(StringComparer.Ordinal);
        if (Table(root, "profiles", path) is { } profileTable)
        {
            foreach (var (name, value) in profileTable)
            {
                if (value is not TomlTable table)
                    throw Invalid(path, $"[profiles.{name}] must be a table");
                var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (k, v) in table)
                    settings[k] = v switch
                    {
                        string s => s,
                        bool b => b ? "true" : "false",
                        long or double => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!,
                        _ => throw Invalid(path, $"setting '{k}' of [profiles.{name}] must be a string, number or boolean"),
                    };
                if (settings.TryGetValue("type", out var type) && S3Vendor.ForScheme(type.ToLowerInvariant()) is null)
                    throw Invalid(path, $"setting 'type' of [profiles.{name}] must be one of {string.Join(", ", S3Vendor.All.Select(v => v.Scheme))}, not '{type}'");
                profiles[name] = new CredentialProfile(name, settings);
            }
        }

        var warnings = new List<string>(ConfigKeys.Unknown(root, text, path));
        foreach (var profile in profiles.Values)
            if (!S3StoreSettings.HasCredentials(profile))
                warnings.Add($"Credential profile '{profile.Name}' of '{path}' has no access key (access_key_id and secret_access_key), " +
                    "nor does the environment provide one: its requests will be anonymous, and only public buckets will answer them.");
        if (checkPermissions && ConfigPermissions.Warning(path, profiles.Values) is { } permissions) warnings.Add(permissions);

        var transferLog = agent is null ? null : String(agent, "transfer_log", path, "agent");
        var metrics = agent is null ? null : MetricsSetting(agent, path);
        return new AgentConfig
        {
            SourcePath = Path.GetFullPath(path),
            AgentName = (agent is null ? null : String(agent, "name", path, "agent")) ?? defaults.AgentName,
            Address = agent is null ? null : String(agent, "address", path, "agent"),
            Concurrency = Int(agent, "concurrency", path, defaults.Concurrency, 1, 1024),
            LeaseDuration = TimeSpan.FromSeconds(Int(agent, "lease_seconds", path, (int)defaults.LeaseDuration.TotalSeconds, 2, 3600)),
            HeartbeatInterval = TimeSpan.FromSeconds(Int(agent, "heartbeat_seconds", path, (int)defaults.HeartbeatInterval.TotalSeconds, 1, 600)),
            PollInterval = TimeSpan.FromSeconds(Int(agent, "poll_seconds", path, (int)defaults.PollInterval.TotalSeconds, 1, 600)),
            MaxAttempts = Int(agent, "max_attempts", path, defaults.MaxAttempts, 1, 100),
            GiveUpAfter = TimeSpan.FromSeconds(Int(agent, "give_up_seconds", path, (int)defaults.GiveUpAfter.TotalSeconds, 1, 7 * 24 * 3600)),
            StallTimeout = TimeSpan.FromSeconds(Int(agent, "stall_seconds", path, (int)defaults.StallTimeout.TotalSeconds, 1, 3600)),
            Fsync = Bool(agent, "fsync", path, defaults.Fsync),
            MemoryBudget = Int(agent, "memory_mb", path, (int)(defaults.MemoryBudget / Limits.MemoryBudget.MiB), 32, 1_048_576) * Limits.MemoryBudget.MiB,
            SegmentObjects = Int(agent, "segment_objects", path, defaults.SegmentObjects, 1, 1_000_000),
            SegmentBytes = Int(agent, "segment_mb", path, (int)(defaults.SegmentBytes / Megabyte), 1, 10_000_000) * Megabyte,
            ListPageSize = Int(agent, "list_page_size", path, defaults.ListPageSize, 1, 1000),
            TransferLog = transferLog is null ? null : Path.GetFullPath(transferLog, baseDir),
            Metrics = metrics,
            ControlPlane = controlPlane,
            Profiles = profiles,
            Warnings = warnings,
        };
    }

    /// <summary>[agent] metrics: loopback unless metrics_allow_remote = true says otherwise, in writing.</summary>
    private static MetricsEndpoint? MetricsSetting(TomlTable agent, string path)
    {
        var text = String(agent, "metrics", path, "agent");
        var allowRemote = Bool(agent, "metrics_allow_remote", path, false);
        if (text is null)
        {
            if (agent.ContainsKey("metrics_allow_remote"))
                throw Invalid(path, "'metrics_allow_remote' of [agent] applies only with 'metrics'");
            return null;
        }
        var endpoint = MetricsEndpoint.TryParse(text, out var why)
            ?? throw Invalid(path, $"setting 'metrics' of [agent] is '{text}': {why}");
        if (!endpoint.IsLoopback && !allowRemote)
            throw Invalid(path, $"setting 'metrics' of [agent] is '{text}', which is not a loopback address: " +
                "metrics are served to this machine only unless 'metrics_allow_remote = true' is also set");
        return endpoint;
    }

    private static TomlTable? Table(TomlTable root, string name, string path) =>
        !root.TryGetValue(name, out var v) ? null
        : v as TomlTable ?? throw Invalid(path, $"'{name}' must be a table ([{name}])");

    private static string? String(TomlTable table, string key, string path, string section) =>
        !table.TryGetValue(key, out var v) ? null
        : v as string ?? throw Invalid(path, $"setting '{key}' of [{section}] must be a string");

    private static int Int(TomlTable? table, string key, string path, int fallback, int min, int max, string section = "agent")
    {
        if (table is null || !table.TryGetValue(key, out var v)) return fallback;
        if (v is long n && n >= min && n <= max) return (int)n;
        throw Invalid(path, $"setting '{key}' of [{section}] must be a whole number from {min} to {max}");
    }

    private static bool Bool(TomlTable? table, string key, string path, bool fallback, string section = "agent") =>
        table is null || !table.TryGetValue(key, out var v) ? fallback
        : v as bool? ?? throw Invalid(path, $"setting '{key}' of [{section}] must be true or false");

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static MigrationException Invalid(string path, string why) =>
        new("ConfigInvalid", MigrationErrorKind.InvalidData, $"The agent configuration '{path}' is invalid: {why}.", path);
}
