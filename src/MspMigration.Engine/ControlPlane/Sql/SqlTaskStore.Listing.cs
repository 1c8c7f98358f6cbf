using MspMigration.Engine.Stores;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>The listing lease and the segments the lister appends under it.</summary>
public abstract partial class SqlTaskStore
{
    public Task<ListingLease?> TryAcquireListingAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // One conditional UPDATE decides: free, already ours, or expired. Row locking (or SQLite's
        // write lock) makes two agents racing for it see one winner.
        var changed = await s.ExecAsync("""
            UPDATE tasks SET listing_owner = @a, listing_lease_until = {now} + @l,
                   state = CASE WHEN state = 'Pending' THEN 'Running' ELSE state END,
                   started_at = COALESCE(started_at, {now})
            WHERE id = @t AND listing_done = 0 AND state IN ('Pending', 'Running')
              AND (listing_owner IS NULL OR listing_owner = @a OR listing_lease_until < {now})
            """, cancellationToken, ("@a", agentName), ("@l", (long)leaseDuration.TotalMilliseconds), ("@t", taskId)).ConfigureAwait(false);
        if (changed == 0) return null;
        var rows = await s.QueryAsync("SELECT listing_cursor, next_segment_seq FROM tasks WHERE id = @t",
            r => new ListingLease(taskId, DbSession.NullableString(r, 0), DbSession.Long(r, 1)), cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return (ListingLease?)rows.Single();
    }, cancellationToken);

    public Task<int> AppendSegmentAsync(long taskId, string agentName, IReadOnlyList<ObjectInfo> objects, string? segmentStartAfter,
        string? cursor, bool listingDone, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        var rows = await s.QueryAsync("SELECT listing_owner, next_segment_seq, pass FROM tasks WHERE id = @t AND listing_done = 0{for_update}",
            r => (Owner: DbSession.NullableString(r, 0), Seq: DbSession.Long(r, 1), Pass: DbSession.Int(r, 2)), cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        if (rows.Count == 0 || rows[0].Owner != agentName)
            throw new LeaseLostException($"Agent '{agentName}' no longer holds the listing lease of task {taskId}.");
        var queued = await UpsertObjectsAsync(s, taskId, rows[0].Pass, objects, cancellationToken).ConfigureAwait(false);
        if (queued.Count > 0)
            await s.ExecAsync("""
                INSERT INTO segments(task_id, seq, start_after, first_key, last_key, object_count, byte_count)
                VALUES(@t, @q, @a, @f, @l, @c, @b)
                """, cancellationToken, ("@t", taskId), ("@q", rows[0].Seq), ("@a", segmentStartAfter), ("@f", queued.First), ("@l", queued.Last),
                ("@c", (long)queued.Count), ("@b", queued.Bytes)).ConfigureAwait(false);
        await s.ExecAsync("""
            UPDATE tasks SET listing_cursor = @c, listing_done = @d,
                   next_segment_seq = next_segment_seq + @n, changed_in_pass = changed_in_pass + @q,
                   listing_owner = CASE WHEN @d = 1 THEN NULL ELSE listing_owner END,
                   listing_lease_until = CASE WHEN @d = 1 THEN NULL ELSE listing_lease_until END
            WHERE id = @t
            """, cancellationToken, ("@c", cursor), ("@d", listingDone ? 1 : 0), ("@n", queued.Count > 0 ? 1L : 0L),
            ("@q", (long)queued.Count), ("@t", taskId)).ConfigureAwait(false);
        return queued.Count;
    }, cancellationToken);

    /// <summary>What a listed page put in the queue: the segment is made of these.</summary>
    protected readonly record struct Queued(int Count, string? First, string? Last, long Bytes);

    /// <summary>
    /// Records listed objects in the journal. New keys are inserted; known keys are queued again only
    /// when they changed since they were copied, or failed: the same statement serves the first and
    /// every secondary pass. What is queued is marked with <paramref name="pass"/>, the task's current pass.
    /// Returns what was queued.
    /// </summary>
    protected virtual async Task<Queued> UpsertObjectsAsync(DbSession s, long taskId, int pass, IReadOnlyList<ObjectInfo> objects, CancellationToken ct)
    {
        await using var upsert = s.Command("""
            INSERT INTO objects(task_id, key, size, last_modified, etag, source_crc64, pass) VALUES(@t, @k, @s, @m, @e, @c, @p)
            ON CONFLICT(task_id, key) DO UPDATE SET size = excluded.size, last_modified = excluded.last_modified,
                etag = excluded.etag, source_crc64 = excluded.source_crc64, outcome = {outcome.Pending}, error = NULL, reason = NULL, pass = excluded.pass
            WHERE objects.outcome = {outcome.Failed} OR objects.size <> excluded.size OR objects.last_modified <> excluded.last_modified
               OR COALESCE(objects.etag, '') <> COALESCE(excluded.etag, '')
            """, ("@t", taskId), ("@k", ""), ("@s", 0L), ("@m", 0L), ("@e", ""), ("@c", 0L), ("@p", pass));
        string? first = null, last = null;
        var count = 0;
        long bytes = 0;
        foreach (var o in objects)
        {
            upsert.Parameters[1].Value = o.Key;
            upsert.Parameters[2].Value = o.Size;
            upsert.Parameters[3].Value = o.LastModified.ToUnixTimeMilliseconds();
            upsert.Parameters[4].Value = (object?)o.ETag ?? DBNull.Value;
            upsert.Parameters[5].Value = o.Crc64 is { } crc ? unchecked((long)crc) : DBNull.Value;
            if (await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) continue;
            first ??= o.Key;
            last = o.Key;
            count++;
            bytes += o.Size;
        }
        return new Queued(count, first, last, bytes);
    }
}
