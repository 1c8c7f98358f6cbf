using System.Data.Common;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>Tasks: creation, lookup, completion and status.</summary>
public abstract partial class SqlTaskStore
{
    private const string TaskColumns = """
        SELECT id, name, source, source_profile, destination, destination_profile, same_name_policy,
               master_agent, state, state_reason, created_at, started_at, finished_at
        FROM tasks
        """;

    public Task<MigrationTask> CreateTaskAsync(TaskSpec spec, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // ON CONFLICT rather than look-then-insert: two operators racing on one name get one task and one error.
        var inserted = await s.ExecAsync("""
            INSERT INTO tasks(name, source, source_profile, destination, destination_profile, same_name_policy, master_agent, state, created_at)
            VALUES(@n, @s, @sp, @d, @dp, @p, @m, @st, {now})
            ON CONFLICT(name) DO NOTHING
            """, cancellationToken,
            ("@n", spec.Name), ("@s", spec.Source), ("@sp", spec.SourceProfile), ("@d", spec.Destination),
            ("@dp", spec.DestinationProfile), ("@p", spec.SameNamePolicy.ToString()), ("@m", spec.MasterAgent),
            ("@st", MigrationTaskState.Pending.ToString())).ConfigureAwait(false);
        if (inserted == 0)
            throw new MigrationException("TaskAlreadyExists", MigrationErrorKind.ResourceExists,
                $"A task named '{spec.Name}' already exists in {Description}.", spec.Name);
        return (await s.QueryAsync(TaskColumns + " WHERE name = @n", ReadTask, cancellationToken, ("@n", spec.Name)).ConfigureAwait(false)).Single();
    }, cancellationToken);

    public Task<MigrationTask?> GetTaskAsync(string name, CancellationToken cancellationToken) => ReadAsync(async s =>
        (await s.QueryAsync(TaskColumns + " WHERE name = @n", ReadTask, cancellationToken, ("@n", name)).ConfigureAwait(false)).SingleOrDefault(),
        cancellationToken);

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
        await s.ExecAsync("""
            UPDATE tasks SET
                state = CASE WHEN (SELECT COALESCE(SUM(failed), 0) FROM segments WHERE task_id = @t) > 0
                             THEN 'CompletedWithFailures' ELSE 'Completed' END,
                finished_at = {now}
            WHERE id = @t AND listing_done = 1 AND state = 'Running'
              AND NOT EXISTS (SELECT 1 FROM segments WHERE task_id = @t AND state <> 2)
            """, cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        var state = await s.ScalarAsync("SELECT state FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return state is string text ? Enum.Parse<MigrationTaskState>(text)
            : throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
    }, cancellationToken);

    public Task<MigrationStatus> GetStatusAsync(long taskId, CancellationToken cancellationToken) => ReadAsync(async s =>
    {
        var task = (await s.QueryAsync(TaskColumns + " WHERE id = @i", ReadTask, cancellationToken, ("@i", taskId)).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
        var listingDone = Convert.ToInt64(await s.ScalarAsync("SELECT listing_done FROM tasks WHERE id = @t", cancellationToken, ("@t", taskId)).ConfigureAwait(false)) == 1;
        var rows = await s.QueryAsync("""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(object_count), 0), COALESCE(SUM(byte_count), 0),
                   COALESCE(SUM(succeeded), 0), COALESCE(SUM(skipped), 0), COALESCE(SUM(failed), 0), COALESCE(SUM(bytes_done), 0)
            FROM segments WHERE task_id = @t
            """, r => StatusBuilder.Build(task, listingDone, DbSession.Int(r, 0), DbSession.Int(r, 1), DbSession.Long(r, 2), DbSession.Long(r, 3),
                DbSession.Long(r, 4), DbSession.Long(r, 5), DbSession.Long(r, 6), DbSession.Long(r, 7)),
            cancellationToken, ("@t", taskId)).ConfigureAwait(false);
        return rows.Single();
    }, cancellationToken);

    private static MigrationTask ReadTask(DbDataReader r) => new()
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
    };
}
