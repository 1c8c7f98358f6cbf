namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>The journal read by key range, for a consistency check.</summary>
public abstract partial class SqlTaskStore
{
    public Task<IReadOnlyList<string>> GetSegmentBoundariesAsync(long taskId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(async s => await s.QueryAsync(
            "SELECT DISTINCT last_key FROM segments WHERE task_id = @t ORDER BY last_key",
            r => r.GetString(0), cancellationToken, ("@t", taskId)).ConfigureAwait(false), cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(long taskId, string? after, string? last, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<JournalEntry>>(async s =>
        {
            // Keys are never empty, so "" starts before the first; an open end is left out of the
            // text rather than passed as an untyped NULL, which PostgreSQL cannot type.
            var upTo = last is null ? "" : " AND key <= @l";
            (string, object?)[] args = last is null
                ? [("@t", taskId), ("@a", after ?? ""), ("@n", limit)]
                : [("@t", taskId), ("@a", after ?? ""), ("@l", last), ("@n", limit)];
            return await s.QueryAsync($"""
                SELECT key, size, last_modified, etag, outcome, crc64, error FROM objects
                WHERE task_id = @t AND key > @a{upTo} ORDER BY key LIMIT @n
                """, r => new JournalEntry(r.GetString(0), DbSession.Long(r, 1), DbSession.Time(r, 2), DbSession.NullableString(r, 3),
                    (ObjectOutcome)DbSession.Int(r, 4), DbSession.NullableLong(r, 5) is { } crc ? unchecked((ulong)crc) : null,
                    DbSession.NullableString(r, 6)),
                cancellationToken, args).ConfigureAwait(false);
        }, cancellationToken);
}
