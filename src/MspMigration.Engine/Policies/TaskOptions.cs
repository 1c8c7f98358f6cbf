using System.Text.Json;
using System.Text.Json.Serialization;
using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Policies;

/// <summary>
/// A task's adjustable settings: limits, filters and the daily window. Stored as one JSON
/// column so that adding a setting needs no schema change.
/// </summary>
public sealed record TaskOptions
{
    public double? QpsLimit { get; init; }
    public long? BandwidthLimit { get; init; }
    public string? KeyPrefix { get; init; }
    public string[] Include { get; init; } = [];
    public string[] Exclude { get; init; } = [];
    public DateTimeOffset? ModifiedAfter { get; init; }
    public DateTimeOffset? ModifiedBefore { get; init; }
    public long? MinSize { get; init; }
    public long? MaxSize { get; init; }
    public string? TimeWindow { get; init; }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TaskOptions FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? new TaskOptions() : JsonSerializer.Deserialize<TaskOptions>(json, Json) ?? new TaskOptions();

    /// <summary>Checks every setting and throws a MigrationException naming the first bad one.</summary>
    public TaskOptions Validate()
    {
        if (QpsLimit is { } q && (q <= 0 || q > RateParser.MaxQps || !double.IsFinite(q)))
            throw RateParser.OutOfRange("QpsLimit", q, RateParser.QpsRange);
        if (BandwidthLimit is { } b && (b <= 0 || b > RateParser.MaxBandwidth))
            throw RateParser.OutOfRange("BandwidthLimit", b, RateParser.BandwidthRange);
        foreach (var p in Include) Glob.Parse(p, "Include");
        foreach (var p in Exclude) Glob.Parse(p, "Exclude");
        if (ModifiedAfter is { } after && ModifiedBefore is { } before && after >= before)
            throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument,
                $"ModifiedAfter ({after:O}) must be earlier than ModifiedBefore ({before:O}).", after);
        if (MinSize is < 0) throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument, $"MinSize '{MinSize}' must not be negative.", MinSize);
        if (MinSize is { } min && MaxSize is { } max && min > max)
            throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument, $"MinSize ({min}) must not exceed MaxSize ({max}).", min);
        if (TimeWindow is not null) Limits.TimeWindow.Parse(TimeWindow);
        return this;
    }

    public TimeWindow? Window => TimeWindow is null ? null : Limits.TimeWindow.Parse(TimeWindow);
}
