namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// What a counter row counts: an outcome, except that failures whose reason is SourceArchived
/// count apart, so that a status shows them beside Failed without reading the journal.
/// </summary>
internal static class CounterBuckets
{
    public const int Archived = 4;

    /// <summary>The bucket of a journal row, in SQL; <paramref name="row"/> is "", "NEW." or "OLD.".</summary>
    public static string Of(string row) =>
        $"CASE WHEN {row}outcome = {(int)ObjectOutcome.Failed} AND {row}reason = 'SourceArchived' THEN {Archived} ELSE {row}outcome END";

    public static (ObjectOutcome Outcome, bool Archived) Read(int bucket) =>
        bucket == Archived ? (ObjectOutcome.Failed, true) : ((ObjectOutcome)bucket, false);

    public static readonly int[] All = [.. Enum.GetValues<ObjectOutcome>().Select(o => (int)o), Archived];
}
