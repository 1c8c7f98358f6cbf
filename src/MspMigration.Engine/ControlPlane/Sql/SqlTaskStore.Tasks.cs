using System.Data.Common;
using MspMigration.Engine.Policies;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>Tasks: creation, lookup, completion and status.</summary>
public abstract partial class SqlTaskStore
{
    private const string TaskColumns = """
        SELECT id, name, source, source_profile, destination, destination_profile, same_name_policy,
               master_agent, state, state_reason, created_at, started_at, finished_at, options, pass
        FROM tasks
        """;

    public Task<MigrationTask> CreateTaskAsync(TaskSpec spec, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // Names are unique ignoring case. The lower(name) index alone is not enough: SQLite's
        // lower() folds ASCII only, so names are compared here too, inside the same transaction.
        if (await FindIdAsync(s, spec.Name, cancellationToken).ConfigureAwait(false) is { } existing)
            throw AlreadyExists(spec.Name, existing.Name);
        // DO NOTHING on any unique index rather than look-then-insert alone: two operators racing
        // on one name get one task and one error.
        var inserted = await s.ExecAsync("""
            INSERT INTO tasks(name, source, source_profile, destination, destination_profile, same_name_policy, master_agent, state, created_at, options)
            VALUES(@n, @s, @sp, @d, @dp, @p, @m, @st, {now}, @o)
            ON CONFLICT DO NOTHING
            """, cancellationToken, ("@o", spec.Options.ToJson()),
            ("@n", spec.Name), ("@s", spec.Source), ("@sp", spec.SourceProfile), ("@d", spec.Destination),
            ("@dp", spec.DestinationProfile), ("@p", spec.SameNamePolicy.ToString()), ("@m", spec.MasterAgent),
            ("@st", MigrationTaskState.Pending.ToString())).ConfigureAwait(false);
        if (inserted == 0)
            throw AlreadyExists(spec.Name, (await FindIdAsync(s, spec.Name, cancellationToken).ConfigureAwait(false))?.Name ?? spec.Name);
        return (await s.QueryAsync(TaskColumns + " WHERE name = @n", ReadTask, cancellationToken, ("@n", spec.Name)).ConfigureAwait(false)).Single();
    }, cancellationToken);

    /// <summary>The task of that name, ignoring case (an exact spelling wins).</summary>
    public Task<MigrationTask?> GetTaskAsync(string name, CancellationToken cancellationToken) => ReadAsync(async s =>
        await FindIdAsync(s, name, cancellationToken).ConfigureAwait(false) is { } found
            ? (await s.QueryAsync(TaskColumns + " WHERE id = @i", ReadTask, cancellationToken, ("@i", found.Id)).ConfigureAwait(false)).SingleOrDefault()
            : null,
        cancellationToken);

    // The exact spelling through the index first; else every name compared in C#, whose
    // OrdinalIgnoreCase folds all of Unicode (the task list is short).
    private static async Task<(long Id, string Name)?> FindIdAsync(DbSession s, string name, CancellationToken cancellationToken)
    {
        var exact = await s.QueryAsync("SELECT id, name FROM tasks WHERE name = @n", IdAndName, cancellationToken, ("@n", name)).ConfigureAwait(false);
        if (exact.Count > 0) return exact[0];
        var all = await s.QueryAsync("SELECT id, name FROM tasks ORDER BY id", IdAndName, cancellationToken).ConfigureAwait(false);
        foreach (var task in all)
            if (string.Equals(task.Name, name, StringComparison.OrdinalIgnoreCase)) return task;
        return null;
    }

    private static (long Id, string Name) IdAndName(DbDataReader r) => (DbSession.Long(r, 0), r.GetString(1));

    private MigrationException AlreadyExists(string name, string existing) =>
        new("TaskAlreadyExists", MigrationErrorKind.ResourceExists, string.Equals(name, existing, StringComparison.Ordinal)
            ? $"A task named '{existing}' already exists in {Description}."
            : $"A task named '{existing}' already exists in {Description}; task names are unique ignoring case, so '{name}' cannot be created.", name);

    public Task<MigrationTask?> GetTaskAsync(long id, CancellationToken cancellationToken) => ReadAsync(async s =>
        (await s.QueryAsync(TaskColumns + " WHERE id = @i", ReadTask, cancellationToken, ("@i", id)).ConfigureAwait(false)).SingleOrDefault(),
        cancellationToken);

    public Task<IReadOnlyList<MigrationTask>> ListTasksAsync(CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<MigrationTask>>(async s =>
        await s.QueryAsync(TaskColumns + " ORDER BY id", ReadTask, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task FailTaskAsync(long taskId, string reason, CancellationToken cancellationToken) => WriteAsync(s =>
        s.ExecAsync("UPDATE tasks SET state = 'Failed', state_reason = @r, finished_at = {now}, listing_owner = NULL WHERE id = @t",
            cancellationToken, ("@r", reason), ("@t", taskId)), cancellationToken);

    public Task<MigrationTaskState> TryFinishTaskAsync(long taskId, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // Lock the task row first, then look at its segments in a later statement: on PostgreSQL
        // the check then sees a final segment committed together with listing_done, instead of
        // the snapshot an UPDATE's re-check would keep.
        await s.ScalarAsync("SELECT state FROM tasks WHERE id = @t{for_update}", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        // Archived failures are failures too: their counter bucket is apart only for the status.
        await s.ExecAsync($$"""
            UPDATE tasks SET
                state = CASE WHEN (SELECT COALESCE(SUM(objects), 0) FROM task_counters WHERE task_id = @t AND outcome IN ({outcome.Failed}, {{CounterBuckets.Archived}})) > 0
                             THEN 'CompletedWithFailures' ELSE 'Completed' END,
                finished_at = {now}
            WHERE id = @t AND listing_done = 1 AND state = 'Running'
              AND NOT EXISTS (SELECT 1 FROM segments WHERE task_id = @t AND state <> {segment.Done})
            """, cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        var state = await s.ScalarAsync("SELECT state FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return state is string text ? Enum.Parse<MigrationTaskState>(text)
            : throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
    }, cancellationToken);

    public Task<MigrationStatus> GetStatusAsync(long taskId, CancellationToken cancellationToken) => ReadAsync(async s =>
    {
        var task = (await s.QueryAsync(TaskColumns + " WHERE id = @i", ReadTask, cancellationToken, ("@i", taskId)).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
        // Segments appended so far are next_segment_seq (never reset); the open ones are what the
        // partial index holds, a queue that stays short however large the journal grows.
        var counts = (await s.QueryAsync("""
            SELECT listing_done, changed_in_pass, next_segment_seq,
                   (SELECT COUNT(*) FROM segments WHERE task_id = @t AND state < {segment.Done})
            FROM tasks WHERE id = @t
            """, r => new JournalCounts
            {
                ListingDone = DbSession.Long(r, 0) == 1,
                ChangedInPass = DbSession.Long(r, 1),
                Segments = DbSession.Int(r, 2),
                SegmentsDone = DbSession.Int(r, 2) - DbSession.Int(r, 3),
            }, cancellationToken, ("@t", taskId)).ConfigureAwait(false)).Single();
        await AddCountersAsync(s, taskId, task.Pass, counts, cancellationToken).ConfigureAwait(false);
        return StatusBuilder.Build(task, counts);
    }, cancellationToken);

    public Task UpdateOptionsAsync(long taskId, SameNamePolicy policy, MigrationTaskSettings options, CancellationToken cancellationToken) => WriteAsync(s =>
        s.ExecAsync("UPDATE tasks SET same_name_policy = @p, options = @o WHERE id = @t", cancellationToken,
            ("@p", policy.ToString()), ("@o", options.ToJson()), ("@t", taskId)), cancellationToken);

    public Task<bool> TransitionAsync(long taskId, MigrationTaskState[] from, MigrationTaskState to, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // Enum names only: safe to inline, and the check and the change are one statement.
        var allowed = string.Join(",", from.Select(f => $"'{f}'"));
        return await s.ExecAsync($"UPDATE tasks SET state = @s WHERE id = @t AND state IN ({allowed})", cancellationToken,
            ("@s", to.ToString()), ("@t", taskId)).ConfigureAwait(false) == 1;
    }, cancellationToken);

    public Task<long> RetryFailedAsync(long taskId, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ScalarAsync("SELECT state FROM tasks WHERE id = @t{for_update}", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        // Each failed object goes back to the newest segment whose range holds it; nothing else is touched.
        await s.ExecAsync("""
            UPDATE segments SET state = {segment.Pending}, owner = NULL, lease_until = NULL
            WHERE id IN (SELECT (SELECT sg.id FROM segments sg WHERE sg.task_id = o.task_id AND o.key >= sg.first_key AND o.key <= sg.last_key
                                 ORDER BY sg.seq DESC LIMIT 1)
                         FROM objects o WHERE o.task_id = @t AND o.outcome = {outcome.Failed})
            """, cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        // Queued again in the task's current pass, and counted in it.
        long count = await s.ExecAsync("UPDATE objects SET outcome = {outcome.Pending}, error = NULL, reason = NULL, pass = (SELECT pass FROM tasks WHERE id = @t) " +
            "WHERE task_id = @t AND outcome = {outcome.Failed}",
            cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("""
            UPDATE tasks SET state = 'Running', state_reason = NULL, finished_at = NULL, listing_owner = NULL, listing_lease_until = NULL
            WHERE id = @t AND (@c > 0 OR listing_done = 0)
            """, cancellationToken, ("@t", taskId), ("@c", count)).ConfigureAwait(false);
        return count;
    }, cancellationToken);

    public Task<long> RequeueFailedAsync(long taskId, IReadOnlyCollection<string> keys, string? stateReason, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ScalarAsync("SELECT state FROM tasks WHERE id = @t{for_update}", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        long count = 0;
        foreach (var key in keys)
        {
            // As RetryFailedAsync, for one key: its newest segment opens again, the object turns pending.
            await s.ExecAsync("""
                UPDATE segments SET state = {segment.Pending}, owner = NULL, lease_until = NULL
                WHERE id = (SELECT sg.id FROM segments sg WHERE sg.task_id = @t AND @k >= sg.first_key AND @k <= sg.last_key ORDER BY sg.seq DESC LIMIT 1)
                  AND EXISTS (SELECT 1 FROM objects WHERE task_id = @t AND key = @k AND outcome = {outcome.Failed})
                """, cancellationToken, ("@t", taskId), ("@k", key)).ConfigureAwait(false);
            count += await s.ExecAsync("UPDATE objects SET outcome = {outcome.Pending}, error = NULL, reason = NULL, pass = (SELECT pass FROM tasks WHERE id = @t) " +
                "WHERE task_id = @t AND key = @k AND outcome = {outcome.Failed}",
                cancellationToken, ("@t", taskId), ("@k", key)).ConfigureAwait(false);
        }
        await s.ExecAsync("UPDATE tasks SET state_reason = @r WHERE id = @t AND state = 'Running'", cancellationToken,
            ("@t", taskId), ("@r", stateReason)).ConfigureAwait(false);
        return count;
    }, cancellationToken);

    public Task<int> StartIncrementalPassAsync(long taskId, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ExecAsync("""
            UPDATE tasks SET pass = pass + 1, changed_in_pass = 0, listing_done = 0, listing_cursor = NULL, listing_owner = NULL,
                listing_lease_until = NULL, state = 'Running', state_reason = NULL, started_at = {now}, finished_at = NULL
            WHERE id = @t
            """, cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        var passes = await s.QueryAsync("SELECT pass FROM tasks WHERE id = @t", r => DbSession.Int(r, 0), cancellationToken, ("@t", taskId))
            .ConfigureAwait(false);
        return passes.Single();
    }, cancellationToken);

    public Task DeleteTaskAsync(long taskId, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ExecAsync("DELETE FROM objects WHERE task_id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("DELETE FROM segments WHERE task_id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("DELETE FROM task_counters WHERE task_id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        await s.ExecAsync("DELETE FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
    }, cancellationToken);

    private static MigrationTask ReadTask(DbDataReader r) => new MigrationTask()
    {
        Id = DbSession.Long(r, 0),
        Name = r.GetString(1),
        Source = r.GetString(2),
        SourceProfile = DbSession.NullableString(r, 3),
        Destination = r.GetString(4),
        DestinationProfile = DbSession.NullableString(r, 5),
        SameNamePolicy = Enum.Parse<SameNamePolicy>(r.GetString(6)),
        MasterAgent = DbSession.NullableString(r, 7),
        State = Enum.Parse<MigrationTaskState>(r.GetString(8)),
        StateReason = DbSession.NullableString(r, 9),
        CreatedAt = DbSession.Time(r, 10),
        StartedAt = DbSession.NullableTime(r, 11),
        FinishedAt = DbSession.NullableTime(r, 12),
        Pass = DbSession.Int(r, 14),
        Settings = TaskSettingsJson.Read(r.GetString(13)),
    };
}
