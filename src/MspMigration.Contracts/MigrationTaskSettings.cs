namespace MspMigration;

/// <summary>
/// A task's adjustable settings: limits, filters and the daily window. One type from the cmdlet to
/// the control plane, which stores it as one JSON column, so a new setting needs no schema change.
/// </summary>
/// <remarks>
/// The engine checks and normalises it in one place (Engine/Policies/TaskSettingsRules). The
/// same-name policy and the master agent are not here: they are part of the task's definition,
/// each in a column of its own.
/// </remarks>
public sealed record MigrationTaskSettings
{
    /// <summary>Objects started per second, for the whole cluster; null when unlimited.</summary>
    public double? QpsLimit { get; init; }
    /// <summary>Bytes per second read from the source, for the whole cluster; null when unlimited.</summary>
    public long? BandwidthLimit { get; init; }
    /// <summary>Only keys starting with this (relative to the source prefix).</summary>
    public string? KeyPrefix { get; init; }
    /// <summary>Only keys matching one of these wildcards.</summary>
    public string[] Include { get; init; } = [];
    /// <summary>No key matching one of these wildcards.</summary>
    public string[] Exclude { get; init; } = [];
    public DateTimeOffset? ModifiedAfter { get; init; }
    public DateTimeOffset? ModifiedBefore { get; init; }
    public long? MinSize { get; init; }
    public long? MaxSize { get; init; }
    /// <summary>Daily window in the agents' local time, such as "21:00-06:00"; null for always.</summary>
    public string? TimeWindow { get; init; }
    /// <summary>Storage class of every object written to the destination, as the destination service names it; null: the profile's, else the source object's.</summary>
    public string? StorageClass { get; init; }
    /// <summary>
    /// Days an archived source object stays restored: when set, objects in an archive storage class
    /// are restored at the source (S3 RestoreObject) and copied once readable; null: they fail as SourceArchived.
    /// </summary>
    public int? RestoreArchived { get; init; }
    /// <summary>How long after the pass started the task waits for restores; then archived objects stay failed (SourceArchived).</summary>
    public TimeSpan? RestoreTimeout { get; init; }
}
