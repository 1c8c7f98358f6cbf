using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Policies;

/// <summary>
/// The one place where task settings are checked and normalised, for New-MigrationTask and
/// Set-MigrationTask alike, before they reach the control plane.
/// </summary>
public static class TaskSettingsRules
{
    /// <summary>The longest restore OSS and COS accept (S3 allows more; none needs it for a migration).</summary>
    public const int MaxRestoreDays = 365;
    /// <summary>Long enough for the slowest standard restore of OSS ColdArchive or COS DEEP_ARCHIVE (up to 48 hours).</summary>
    public static readonly TimeSpan DefaultRestoreTimeout = TimeSpan.FromHours(72);

    /// <summary>
    /// Checks every setting, throwing a MigrationException that names the first bad one, and
    /// returns them normalised: no empty prefix, the window in its canonical form.
    /// </summary>
    public static MigrationTaskSettings Checked(this MigrationTaskSettings s)
    {
        if (s.QpsLimit is { } q && (q <= 0 || q > RateParser.MaxQps || !double.IsFinite(q)))
            throw RateParser.OutOfRange("QpsLimit", q, RateParser.QpsRange);
        if (s.BandwidthLimit is { } b && (b <= 0 || b > RateParser.MaxBandwidth))
            throw RateParser.OutOfRange("BandwidthLimit", b, RateParser.BandwidthRange);
        foreach (var p in s.Include ?? []) Glob.Parse(p, "Include");
        foreach (var p in s.Exclude ?? []) Glob.Parse(p, "Exclude");
        if (s.ModifiedAfter is { } after && s.ModifiedBefore is { } before && after >= before)
            throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument,
                $"ModifiedAfter ({after:O}) must be earlier than ModifiedBefore ({before:O}).", after);
        if (s.MinSize is < 0) throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument, $"MinSize '{s.MinSize}' must not be negative.", s.MinSize);
        if (s.MinSize is { } min && s.MaxSize is { } max && min > max)
            throw new MigrationException("InvalidRange", MigrationErrorKind.InvalidArgument, $"MinSize ({min}) must not exceed MaxSize ({max}).", min);
        if (s.RestoreArchived is { } days && days is < 1 or > MaxRestoreDays)
            throw new MigrationException("RestoreDaysOutOfRange", MigrationErrorKind.InvalidArgument,
                $"RestoreArchived '{days}' is out of range: archived objects stay restored for 1 to {MaxRestoreDays} days.", days);
        if (s.RestoreTimeout is { } timeout && (s.RestoreArchived is null || timeout <= TimeSpan.Zero))
            throw new MigrationException("RestoreTimeoutInvalid", MigrationErrorKind.InvalidArgument,
                s.RestoreArchived is null ? $"RestoreTimeout '{timeout}' applies only with RestoreArchived (how many days restored objects stay readable)."
                    : $"RestoreTimeout '{timeout}' must be longer than zero.", timeout);
        return s with
        {
            KeyPrefix = string.IsNullOrEmpty(s.KeyPrefix) ? null : s.KeyPrefix,
            Include = s.Include ?? [],
            Exclude = s.Exclude ?? [],
            TimeWindow = string.IsNullOrWhiteSpace(s.TimeWindow) ? null : TimeWindow.Parse(s.TimeWindow).ToString(),
            // Which names are valid depends on the destination's service: MigrationService asks its store kind.
            StorageClass = string.IsNullOrWhiteSpace(s.StorageClass) ? null : s.StorageClass.Trim(),
            // Stored with the task, so that the bound the agents keep is the one the operator sees.
            RestoreTimeout = s.RestoreArchived is null ? null : s.RestoreTimeout ?? DefaultRestoreTimeout,
        };
    }

    /// <summary>Size and modification-time filters, which need what a listing reports.</summary>
    public static bool FiltersBySizeOrTime(this MigrationTaskSettings s) =>
        s.MinSize is not null || s.MaxSize is not null || s.ModifiedAfter is not null || s.ModifiedBefore is not null;
}
