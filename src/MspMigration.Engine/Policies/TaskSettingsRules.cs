using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Policies;

/// <summary>
/// The one place where task settings are checked and normalised, for New-MigrationTask and
/// Set-MigrationTask alike, before they reach the control plane.
/// </summary>
public static class TaskSettingsRules
{
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
        return s with
        {
            KeyPrefix = string.IsNullOrEmpty(s.KeyPrefix) ? null : s.KeyPrefix,
            Include = s.Include ?? [],
            Exclude = s.Exclude ?? [],
            TimeWindow = string.IsNullOrWhiteSpace(s.TimeWindow) ? null : TimeWindow.Parse(s.TimeWindow).ToString(),
            // Which names are valid depends on the destination's service: MigrationService asks its store kind.
            StorageClass = string.IsNullOrWhiteSpace(s.StorageClass) ? null : s.StorageClass.Trim(),
        };
    }

    /// <summary>Size and modification-time filters, which need what a listing reports.</summary>
    public static bool FiltersBySizeOrTime(this MigrationTaskSettings s) =>
        s.MinSize is not null || s.MaxSize is not null || s.ModifiedAfter is not null || s.ModifiedBefore is not null;
}
