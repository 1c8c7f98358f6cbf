namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>The journal's per-task counters, per pass (kept by triggers, see <see cref="PassCounterTriggers"/>): read for a status, checked by a recount.</summary>
public abstract partial class SqlTaskStore
{
    private const string CountersByPassAndOutcome =
        "SELECT pass, outcome, SUM(objects), SUM(bytes) FROM task_counters WHERE task_id = @t GROUP BY pass, outcome";

    private static readonly string JournalByPassAndOutcome =
        $"SELECT pass, {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = @t GROUP BY 1, 2";

    /// <summary>Objects and bytes by pass and counter bucket (<see cref="CounterBuckets"/>).</summary>
    private static async Task<Dictionary<(int Pass, int Bucket), (long Objects, long Bytes)>> CountAsync(DbSession s, string sql, long taskId, CancellationToken ct)
    {
        var rows = await s.QueryAsync(sql, r => (Pass: DbSession.Int(r, 0), Bucket: DbSession.Int(r, 1), Objects: DbSession.Long(r, 2), Bytes: DbSession.Long(r, 3)),
            ct, ("@t", taskId)).ConfigureAwait(false);
        return rows.ToDictionary(r => (r.Pass, r.Bucket), r => (r.Objects, r.Bytes));
    }

    /// <summary>
    /// The counters of a task, added into <paramref name="counts"/> (those of <paramref name="pass"/> into its
    /// <see cref="JournalCounts.ThisPass"/> too): a few rows per pass whatever the journal's size.
    /// </summary>
    private static async Task AddCountersAsync(DbSession s, long taskId, int pass, JournalCounts counts, CancellationToken ct)
    {
        foreach (var ((p, bucket), (objects, bytes)) in await CountAsync(s, CountersByPassAndOutcome, taskId, ct).ConfigureAwait(false))
        {
            var (outcome, archived) = CounterBuckets.Read(bucket);
            counts.Add(outcome, objects, bytes, archived);
            if (p == pass) counts.ThisPass.Add(outcome, objects, bytes, archived);
        }
    }

    public Task<IReadOnlyList<CounterMismatch>> RecountAsync(long taskId, CancellationToken cancellationToken) => WriteAsync<IReadOnlyList<CounterMismatch>>(async s =>
    {
        // Writers wait while the journal is counted, so the counters and the count describe one moment.
        if (Dialect.LockJournal.Length > 0) await s.ExecAsync(Dialect.LockJournal, cancellationToken).ConfigureAwait(false);
        if (await s.ScalarAsync("SELECT id FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false) is null)
            throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
        var kept = await CountAsync(s, CountersByPassAndOutcome, taskId, cancellationToken).ConfigureAwait(false);
        var counted = await CountAsync(s, JournalByPassAndOutcome, taskId, cancellationToken).ConfigureAwait(false);
        var wrong = new List<CounterMismatch>();
        foreach (var pass in kept.Keys.Concat(counted.Keys).Select(k => k.Pass).Distinct().Order())
            foreach (var bucket in CounterBuckets.All)
            {
                var k = kept.GetValueOrDefault((pass, bucket));
                var c = counted.GetValueOrDefault((pass, bucket));
                var (outcome, archived) = CounterBuckets.Read(bucket);
                if (k != c) wrong.Add(new CounterMismatch(outcome, k.Objects, k.Bytes, c.Objects, c.Bytes) { Archived = archived, Pass = pass });
            }
        if (wrong.Count == 0) return wrong;
        await s.ExecAsync("DELETE FROM task_counters WHERE task_id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes) " +
            $"SELECT task_id, pass, 0, {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = @t GROUP BY 1, 2, 4",
            cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return wrong;
    }, cancellationToken);
}
