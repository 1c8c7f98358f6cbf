namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// The few places where the shared statements differ between databases. Statements are written
/// once with the tokens {now} and {for_update}; each store substitutes its own text.
/// </summary>
public sealed record SqlDialect(string NowMilliseconds, string ForUpdate, string SkipLocked)
{
    /// <summary>
    /// One machine, one clock. Writes already serialize on the database lock (BEGIN IMMEDIATE),
    /// so row locks have no equivalent and are left out.
    /// </summary>
    public static readonly SqlDialect Sqlite = new(
        "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)", "", "");

    /// <summary>
    /// Leases are compared with the server's clock (transaction start time), so agents on machines
    /// whose clocks disagree still agree on who holds what.
    /// </summary>
    public static readonly SqlDialect Postgres = new(
        "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)", " FOR UPDATE", " FOR UPDATE SKIP LOCKED");

    public string Render(string sql) => sql
        .Replace("{now}", NowMilliseconds, StringComparison.Ordinal)
        .Replace("{for_update_skip_locked}", SkipLocked, StringComparison.Ordinal)
        .Replace("{for_update}", ForUpdate, StringComparison.Ordinal);
}
