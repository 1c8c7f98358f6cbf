using System.Runtime.CompilerServices;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>Segments under lease and the per-object journal.</summary>
public abstract partial class SqlTaskStore
{
    private const int FailedPageSize = 1000;

    public Task<SegmentClaim?> ClaimSegmentAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // PostgreSQL: SKIP LOCKED lets many claimers each take a different row without waiting on
        // each other; SQLite: the write lock taken at BEGIN does the same job. "state < Done" lets the
        // partial index of open segments serve the search.
        var rows = await s.QueryAsync("""
            UPDATE segments SET state = {segment.Leased}, owner = @a, lease_until = {now} + @l, claims = claims + 1
            WHERE id = (SELECT id FROM segments
                        WHERE task_id = @t AND state < {segment.Done} AND (state = {segment.Pending} OR lease_until < {now})
                        ORDER BY seq LIMIT 1{for_update_skip_locked})
            RETURNING id, start_after, first_key, last_key
            """, r => new SegmentClaim(DbSession.Long(r, 0), taskId, DbSession.NullableString(r, 1), r.GetString(2), r.GetString(3)),
            cancellationToken, ("@a", agentName), ("@l", (long)leaseDuration.TotalMilliseconds), ("@t", taskId)).ConfigureAwait(false);
        return rows.SingleOrDefault();
    }, cancellationToken);

    public Task<IReadOnlyList<PendingObject>> GetPendingObjectsAsync(SegmentClaim segment, CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<PendingObject>>(async s =>
        await s.QueryAsync("""
            SELECT key, size, last_modified, etag, source_crc64 FROM objects
            WHERE task_id = @t AND key >= @f AND key <= @l AND outcome = {outcome.Pending} ORDER BY key
            """, r => new PendingObject(segment.TaskId, segment.SegmentId, r.GetString(0), DbSession.Long(r, 1), DbSession.Time(r, 2),
                DbSession.NullableString(r, 3), DbSession.NullableLong(r, 4) is { } crc ? unchecked((ulong)crc) : null),
            cancellationToken, ("@t", segment.TaskId), ("@f", segment.FirstKey), ("@l", segment.LastKey)).ConfigureAwait(false),
        cancellationToken);

    public Task RecordOutcomesAsync(IReadOnlyList<ObjectOutcomeRecord> outcomes, CancellationToken cancellationToken) => WriteAsync(s =>
        // Rows are touched in key order so two batches never deadlock.
        UpdateOutcomesAsync(s, outcomes.OrderBy(o => o.TaskId).ThenBy(o => o.Key, StringComparer.Ordinal).ToList(), cancellationToken), cancellationToken);

    /// <summary>
    /// Writes a batch of outcomes, in order. Only a pending object changes: a record from an agent
    /// whose lease was taken over cannot count an object twice. What was copied replaces what was
    /// listed, so that a secondary pass compares against the copy.
    /// </summary>
    protected virtual async Task UpdateOutcomesAsync(DbSession s, IReadOnlyList<ObjectOutcomeRecord> outcomes, CancellationToken cancellationToken)
    {
        await using var update = s.Command("""
            UPDATE objects SET outcome = @o, attempts = attempts + @n, crc64 = @c, error = @e, reason = @r, updated_at = {now},
                size = COALESCE(@s, size), last_modified = COALESCE(@m, last_modified),
                etag = CASE WHEN @copied = 1 THEN @g ELSE etag END
            WHERE task_id = @t AND key = @k AND outcome = {outcome.Pending}
            """, ("@o", 0), ("@n", 0), ("@c", 0L), ("@e", ""), ("@r", ""), ("@s", 0L), ("@m", 0L), ("@copied", 0), ("@g", ""), ("@t", 0L), ("@k", ""));
        foreach (var o in outcomes)
        {
            update.Parameters[0].Value = (int)o.Outcome;
            update.Parameters[1].Value = o.Attempts;
            update.Parameters[2].Value = o.Crc64 is { } crc ? unchecked((long)crc) : DBNull.Value;
            update.Parameters[3].Value = (object?)o.Error ?? DBNull.Value;
            update.Parameters[4].Value = o.Outcome == ObjectOutcome.Failed ? (o.Reason ?? FailureReason.Unknown).ToString() : DBNull.Value;
            update.Parameters[5].Value = o.Copied is { } c1 ? c1.Size : DBNull.Value;
            update.Parameters[6].Value = o.Copied is { } c2 ? c2.LastModified.ToUnixTimeMilliseconds() : DBNull.Value;
            update.Parameters[7].Value = o.Copied is null ? 0 : 1;
            update.Parameters[8].Value = (object?)o.Copied?.ETag ?? DBNull.Value;
            update.Parameters[9].Value = o.TaskId;
            update.Parameters[10].Value = o.Key;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task CompleteSegmentAsync(long segmentId, string agentName, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // Done only when no object of it is pending, whoever copied them.
        var done = await s.ExecAsync("""
            UPDATE segments SET state = {segment.Done}, owner = NULL, lease_until = NULL
            WHERE id = @id AND state = {segment.Leased} AND owner = @a
              AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.task_id = segments.task_id
                              AND o.key >= segments.first_key AND o.key <= segments.last_key AND o.outcome = {outcome.Pending})
            """, cancellationToken, ("@id", segmentId), ("@a", agentName)).ConfigureAwait(false);
        if (done == 0) // some outcome was not recorded: give the segment back for another pass
            await s.ExecAsync("UPDATE segments SET state = {segment.Pending}, owner = NULL, lease_until = NULL WHERE id = @id AND state = {segment.Leased} AND owner = @a",
                cancellationToken, ("@id", segmentId), ("@a", agentName)).ConfigureAwait(false);
    }, cancellationToken);

    public async IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(long taskId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = (await GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false))?.Name ?? "";
        // Key-ordered pages, so a large failed list is never held in memory at once. Keys are never
        // empty, so "" starts before the first one.
        var after = "";
        while (true)
        {
            var page = await ReadAsync(s => s.QueryAsync("""
                SELECT key, size, attempts, error, updated_at, reason FROM objects
                WHERE task_id = @t AND outcome = {outcome.Failed} AND key > @a ORDER BY key LIMIT @n
                """, r => new FailedObject
                {
                    TaskName = name,
                    Key = r.GetString(0),
                    Size = DbSession.Long(r, 1),
                    Attempts = DbSession.Int(r, 2),
                    Error = DbSession.NullableString(r, 3),
                    LastAttemptAt = DbSession.NullableTime(r, 4),
                    Reason = ReadReason(DbSession.NullableString(r, 5)),
                }, cancellationToken, ("@t", taskId), ("@a", after), ("@n", FailedPageSize)), cancellationToken).ConfigureAwait(false);
            foreach (var item in page) yield return item;
            if (page.Count < FailedPageSize) yield break;
            after = page[^1].Key;
        }
    }

    /// <summary>
    /// Rows journaled before reasons were kept have none (Unknown); a name this build does not
    /// know, written by a newer one, reads as Other rather than failing the export.
    /// </summary>
    internal static FailureReason ReadReason(string? name) =>
        name is null ? FailureReason.Unknown
        : Enum.TryParse<FailureReason>(name, ignoreCase: false, out var reason) && Enum.IsDefined(reason) && !char.IsDigit(name[0]) ? reason
        : FailureReason.Other;
}
