namespace MspMigration.Engine.Configuration;

/// <summary>
/// Where the control plane lives: a SQLite file, or a PostgreSQL connection string whose password
/// comes from the environment variable <see cref="PasswordVariable"/> (default PGPASSWORD).
/// </summary>
public sealed record ControlPlaneConfig(string Kind, string Location, string? PasswordVariable = null)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    // A connection string may hold a password: never print it.
    public override string ToString() => Kind == Sqlite ? $"sqlite:{Location}" : Kind;
}

/// <summary>
/// A named credential profile from agent.toml. Holds secrets: it has no printable form, and
/// nothing in it is ever written to the control plane.
/// </summary>
public sealed class CredentialProfile
{
    private readonly Dictionary<string, string> _settings;

    public CredentialProfile(string name, Dictionary<string, string> settings)
    {
        Name = name;
        _settings = new Dictionary<string, string>(settings, StringComparer.OrdinalIgnoreCase);
    }

    public string Name { get; }
    public string? Get(string key) => _settings.TryGetValue(key, out var v) ? v : null;
    public IEnumerable<string> Keys => _settings.Keys;
    public override string ToString() => $"profile '{Name}'";
}

/// <summary>agent.toml, resolved: agent identity and tuning, control plane, credential profiles.</summary>
public sealed record AgentConfig
{
    public string? SourcePath { get; init; }
    public string AgentName { get; init; } = Environment.MachineName;
    public string? Address { get; init; }
    public int Concurrency { get; init; } = 16;
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
    public int MaxAttempts { get; init; } = 5;
    /// <summary>A request with no byte moving for this long is abandoned and retried ([agent] stall_seconds).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long a task's store may fail as a whole (unreachable, refused, 5xx on every request)
    /// before the task fails: a few minutes rides out a restart of the service, not an outage.
    /// </summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>Flush each object written to a local destination before recording it (agent.toml fsync; default true).</summary>
    public bool Fsync { get; init; } = true;
    /// <summary>Bytes all transfer buffers of the agent may hold at once: upload parts and read-ahead ranges ([agent] memory_mb).</summary>
    public long MemoryBudget { get; init; } = Limits.MemoryBudget.DefaultMegabytes * Limits.MemoryBudget.MiB;
    public string? TransferLog { get; init; }
    /// <summary>Where to serve Prometheus metrics ([agent] metrics); null (the default) serves none.</summary>
    public Metrics.MetricsEndpoint? Metrics { get; init; }
    /// <summary>Objects per segment, the unit agents claim (MSP's default 1,000).</summary>
    public int SegmentObjects { get; init; } = 1000;
    /// <summary>Bytes per segment at most, whichever limit comes first ([agent] segment_mb; MSP's default 100 GB).</summary>
    public long SegmentBytes { get; init; } = 100L * 1000 * 1000 * 1000;
    /// <summary>Objects asked for per listing request (S3 returns at most 1,000).</summary>
    public int ListPageSize { get; init; } = 1000;
    public ControlPlaneConfig ControlPlane { get; init; } = new(ControlPlaneConfig.Sqlite, Path.Combine(ConfigLocator.Home, "controlplane.db"));
    public IReadOnlyDictionary<string, CredentialProfile> Profiles { get; init; } = new Dictionary<string, CredentialProfile>();
    /// <summary>Problems worth telling the operator that do not stop the agent (a world-readable file of secrets).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public CredentialProfile? FindProfile(string? name) =>
        name is null ? null : Profiles.TryGetValue(name, out var p) ? p : null;
}
