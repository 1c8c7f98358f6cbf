namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>Where a segment is in its life; stored as the number in segments.state.</summary>
internal enum SegmentState
{
    Pending = 0,
    Leased = 1,
    Done = 2,
}

/// <summary>
/// Names for the numbers stored in segments.state and objects.outcome, written in SQL text as
/// {segment.Leased} or {outcome.Failed}. They render as literals, not parameters, so that
/// PostgreSQL can match the partial indexes whose predicates name them.
/// </summary>
internal static class SqlNames
{
    private static readonly (string Token, string Value)[] Tokens =
    [
        .. Enum.GetValues<SegmentState>().Select(v => ($"{{segment.{v}}}", ((int)v).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        .. Enum.GetValues<ObjectOutcome>().Select(v => ($"{{outcome.{v}}}", ((int)v).ToString(System.Globalization.CultureInfo.InvariantCulture))),
    ];

    public static string Render(string sql)
    {
        if (!sql.Contains("{segment.", StringComparison.Ordinal) && !sql.Contains("{outcome.", StringComparison.Ordinal)) return sql;
        foreach (var (token, value) in Tokens) sql = sql.Replace(token, value, StringComparison.Ordinal);
        return sql;
    }
}
