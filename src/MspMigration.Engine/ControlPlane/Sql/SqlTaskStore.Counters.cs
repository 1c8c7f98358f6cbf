namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>The journal's per-task counters (kept by triggers, see <see cref="JournalCounterTriggers"/>): read for a status, checked by a recount.</summary>
public abstract partial class SqlTaskStore
{
    private const string CountersByOutcome =
        "SELECT outcome, SUM(objects), SUM(bytes) FROM task_counters WHERE task_id = @t GROUP BY outcome";

    private static readonly string JournalByOutcome =
        $"SELECT {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = @t GROUP BY 1";

    /// <summary>Objects and bytes by counter bucket (<see cref="CounterBuckets"/>).</summary>
    private static async Task<Dictionary<int, (long Objects, long Bytes)>> CountAsync(DbSession s, string sql, long taskId, CancellationToken ct)
    {
        var rows = await s.QueryAsync(sql, r => (Bucket: DbSession.Int(r, 0), Objects: DbSession.Long(r, 1), Bytes: DbSession.Long(r, 2)),
            ct, ("@t", taskId)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Bucket, r => (r.Objects, r.Bytes));
    }

    /// <summary>The counters of a task, added into <paramref name="counts"/>: a few rows whatever the journal's size.</summary>
    private static async Task AddCountersAsync(DbSession s, long taskId, JournalCounts counts, CancellationToken ct)
    {
        foreach (var (bucket, (objects, bytes)) in await CountAsync(s, CountersByOutcome, taskId, ct).ConfigureAwait(false))
        {
            var (outcome, archived) = CounterBuckets.Read(bucket);
            counts.Add(outcome, objects, bytes, archived);
        }
    }

    public Task<IReadOnlyList<CounterMismatch>> RecountAsync(long taskId, CancellationToken cancellationToken) => WriteAsync<IReadOnlyList<CounterMismatch>>(async s =>
    {
        // Writers wait while the journal is counted, so the counters and the count describe one moment.
        if (Dialect.LockJournal.Length > 0) await s.ExecAsync(Dialect.LockJournal, cancellationToken).ConfigureAwait(false);
        if (await s.ScalarAsync("SELECT id FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false) is null)
            throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
        var kept = await CountAsync(s, CountersByOutcome, taskId, cancellationToken).ConfigureAwait(false);
        var counted = await CountAsync(s, JournalByOutcome, taskId, cancellationToken).ConfigureAwait(false);
        var wrong = new List<CounterMismatch>();
        foreach (var bucket in CounterBuckets.All)
        {
            var k = kept.GetValueOrDefault(bucket);
            var c = counted.GetValueOrDefault(bucket);
            var (outcome, archived) = CounterBuckets.Read(bucket);
            if (k != c) wrong.Add(new CounterMismatch(outcome, k.Objects, k.Bytes, c.Objects, c.Bytes) { Archived = archived });
        }
        if (wrong.Count == 0) return wrong;
        await s.ExecAsync("DELETE FROM task_counters WHERE task_id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) " +
            $"SELECT task_id, 0, {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = @t GROUP BY 1, 3",
            cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return wrong;
    }, cancellationToken);
}
