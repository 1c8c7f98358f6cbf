using System.Globalization;

namespace MspMigration.Engine.Limits;

/// <summary>
/// A daily window such as "21:00-06:00" (overnight) or "09:00-17:30", in the agent's local time,
/// outside which agents leave the task alone and to which they return by themselves.
/// </summary>
public sealed record TimeWindow(TimeOnly Start, TimeOnly End)
{
    public static TimeWindow Parse(string text)
    {
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            throw new MigrationException("InvalidTimeWindow", MigrationErrorKind.InvalidArgument,
                $"TimeWindow '{text}' cannot be understood: expected a daily window such as 21:00-06:00.", text);
        if (start == end)
            throw new MigrationException("InvalidTimeWindow", MigrationErrorKind.InvalidArgument,
                $"TimeWindow '{text}' starts where it ends, so it never opens; omit it to run at any time.", text);
        return new TimeWindow(start, end);
    }

    /// <summary>True when <paramref name="now"/> falls inside; an end before the start wraps past midnight.</summary>
    public bool Contains(TimeOnly now) => Start < End ? now >= Start && now < End : now >= Start || now < End;

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
