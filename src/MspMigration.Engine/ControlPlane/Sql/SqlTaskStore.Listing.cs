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

    public Task AppendSegmentAsync(long taskId, string agentName, IReadOnlyList<ObjectInfo> objects, string? cursor, bool listingDone, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        var rows = await s.QueryAsync("SELECT listing_owner, next_segment_seq FROM tasks WHERE id = @t AND listing_done = 0{for_update}",
            r => (Owner: DbSession.NullableString(r, 0), Seq: DbSession.Long(r, 1)), cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        if (rows.Count == 0 || rows[0].Owner != agentName)
            throw new LeaseLostException($"Agent '{agentName}' no longer holds the listing lease of task {taskId}.");
        if (objects.Count > 0)
        {
            await s.ExecAsync("""
                INSERT INTO segments(task_id, seq, first_key, last_key, object_count, byte_count)
                VALUES(@t, @q, @f, @l, @c, @b)
                """, cancellationToken, ("@t", taskId), ("@q", rows[0].Seq), ("@f", objects[0].Key), ("@l", objects[^1].Key),
                ("@c", (long)objects.Count), ("@b", objects.Sum(o => o.Size))).ConfigureAwait(false);
            await InsertObjectsAsync(s, taskId, objects, cancellationToken).ConfigureAwait(false);
        }
        await s.ExecAsync("""
            UPDATE tasks SET listing_cursor = @c, listing_done = @d,
                   next_segment_seq = next_segment_seq + @n,
                   listing_owner = CASE WHEN @d = 1 THEN NULL ELSE listing_owner END,
                   listing_lease_until = CASE WHEN @d = 1 THEN NULL ELSE listing_lease_until END
            WHERE id = @t
            """, cancellationToken, ("@c", cursor), ("@d", listingDone ? 1 : 0), ("@n", objects.Count > 0 ? 1L : 0L), ("@t", taskId)).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Adds a segment's objects to the journal; an object already there (listed twice) is kept as it is.</summary>
    protected virtual async Task InsertObjectsAsync(DbSession s, long taskId, IReadOnlyList<ObjectInfo> objects, CancellationToken ct)
    {
        await using var insert = s.Command("""
            INSERT INTO objects(task_id, key, size, last_modified, etag, source_crc64) VALUES(@t, @k, @s, @m, @e, @c)
            ON CONFLICT(task_id, key) DO NOTHING
            """, ("@t", taskId), ("@k", ""), ("@s", 0L), ("@m", 0L), ("@e", ""), ("@c", 0L));
        foreach (var o in objects)
        {
            insert.Parameters[1].Value = o.Key;
            insert.Parameters[2].Value = o.Size;
            insert.Parameters[3].Value = o.LastModified.ToUnixTimeMilliseconds();
            insert.Parameters[4].Value = (object?)o.ETag ?? DBNull.Value;
            insert.Parameters[5].Value = o.Crc64 is { } crc ? unchecked((long)crc) : DBNull.Value;
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
