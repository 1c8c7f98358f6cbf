using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.ControlPlane.Sqlite;

/// <summary>
/// The embedded control plane: one SQLite file in WAL mode, shared by any number of agent
/// processes on one machine. Writes take the database lock up front (BEGIN IMMEDIATE) so two
/// processes never deadlock upgrading a read lock; waits for the lock are bounded by the busy timeout.
/// </summary>
public sealed class SqliteTaskStore : ITaskStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;

    public SqliteTaskStore(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
    }

    public string Description => $"sqlite:{_path}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection.State != System.Data.ConnectionState.Open)
            {
                await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                Exec("PRAGMA busy_timeout = 60000;");
                ExecScalar("PRAGMA journal_mode = WAL;");
                Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            }
            using var tx = _connection.BeginTransaction();
            var version = Convert.ToInt32(ExecScalar("PRAGMA user_version;", tx));
            if (version > SqliteSchema.Migrations.Length)
                throw new MigrationException("ControlPlaneTooNew", MigrationErrorKind.InvalidOperation,
                    $"The control plane at '{_path}' has schema version {version}; this build knows up to {SqliteSchema.Migrations.Length}. Upgrade the module.", _path);
            for (var v = version; v < SqliteSchema.Migrations.Length; v++)
            {
                Exec(SqliteSchema.Migrations[v], tx);
                Exec($"PRAGMA user_version = {v + 1};", tx);
            }
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new MigrationException("ControlPlaneUnavailable", MigrationErrorKind.ConnectionError,
                $"The control plane at '{_path}' cannot be opened: {e.Message}", _path, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<MigrationTask> CreateTaskAsync(TaskSpec spec, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        if (ExecScalar("SELECT 1 FROM tasks WHERE name = $n", tx, ("$n", spec.Name)) is not null)
            throw new MigrationException("TaskAlreadyExists", MigrationErrorKind.ResourceExists,
                $"A task named '{spec.Name}' already exists in {Description}.", spec.Name);
        Exec("""
            INSERT INTO tasks(name, source, source_profile, destination, destination_profile, same_name_policy, master_agent, state, created_at, options)
            VALUES($n, $s, $sp, $d, $dp, $p, $m, $st, $c, $o)
            """, tx, ("$o", spec.Options.ToJson()),
            ("$n", spec.Name), ("$s", spec.Source), ("$sp", spec.SourceProfile), ("$d", spec.Destination),
            ("$dp", spec.DestinationProfile), ("$p", spec.SameNamePolicy.ToString()), ("$m", spec.MasterAgent),
            ("$st", MigrationTaskState.Pending.ToString()), ("$c", Now()));
        tx.Commit();
        return ReadTasks("WHERE name = $n", null, ("$n", spec.Name)).Single();
    }, cancellationToken);

    public Task<MigrationTask?> GetTaskAsync(string name, CancellationToken cancellationToken) =>
        Locked(() => ReadTasks("WHERE name = $n", null, ("$n", name)).SingleOrDefault(), cancellationToken);

    public Task<MigrationTask?> GetTaskAsync(long id, CancellationToken cancellationToken) =>
        Locked(() => ReadTasks("WHERE id = $i", null, ("$i", id)).SingleOrDefault(), cancellationToken);

    public Task<IReadOnlyList<MigrationTask>> ListTasksAsync(CancellationToken cancellationToken) =>
        Locked<IReadOnlyList<MigrationTask>>(() => ReadTasks("ORDER BY id", null), cancellationToken);

    public Task HeartbeatAsync(AgentRegistration agent, TimeSpan leaseDuration, CancellationToken cancellationToken) => Locked(() =>
    {
        var now = Now();
        using var tx = _connection.BeginTransaction();
        Exec("""
            INSERT INTO agents(name, address, host, pid, started_at, last_heartbeat, stopped) VALUES($n, $a, $h, $p, $s, $now, 0)
            ON CONFLICT(name) DO UPDATE SET address = $a, host = $h, pid = $p, started_at = $s, last_heartbeat = $now, stopped = 0
            """, tx, ("$n", agent.Name), ("$a", agent.Address), ("$h", agent.HostName), ("$p", agent.ProcessId),
            ("$s", agent.StartedAt.ToUnixTimeMilliseconds()), ("$now", now));
        var until = now + (long)leaseDuration.TotalMilliseconds;
        Exec("UPDATE segments SET lease_until = $u WHERE state = 1 AND owner = $n", tx, ("$u", until), ("$n", agent.Name));
        Exec("UPDATE tasks SET listing_lease_until = $u WHERE listing_owner = $n AND listing_done = 0", tx, ("$u", until), ("$n", agent.Name));
        tx.Commit();
        return true;
    }, cancellationToken);

    public Task ReleaseAgentAsync(string agentName, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        Exec("UPDATE segments SET state = 0, owner = NULL, lease_until = NULL WHERE state = 1 AND owner = $n", tx, ("$n", agentName));
        Exec("UPDATE tasks SET listing_owner = NULL, listing_lease_until = NULL WHERE listing_owner = $n", tx, ("$n", agentName));
        Exec("UPDATE agents SET stopped = 1 WHERE name = $n", tx, ("$n", agentName));
        tx.Commit();
        return true;
    }, cancellationToken);

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(TimeSpan aliveWithin, CancellationToken cancellationToken) => Locked<IReadOnlyList<AgentInfo>>(() =>
    {
        var cutoff = Now() - (long)aliveWithin.TotalMilliseconds;
        using var cmd = Command("""
            SELECT a.name, a.address, a.host, a.pid, a.started_at, a.last_heartbeat, a.stopped,
                   (SELECT COUNT(*) FROM segments s WHERE s.state = 1 AND s.owner = a.name)
            FROM agents a ORDER BY a.name
            """, null);
        using var r = cmd.ExecuteReader();
        var list = new List<AgentInfo>();
        while (r.Read())
        {
            var last = r.GetInt64(5);
            list.Add(new AgentInfo
            {
                Name = r.GetString(0),
                Address = r.IsDBNull(1) ? null : r.GetString(1),
                HostName = r.IsDBNull(2) ? null : r.GetString(2),
                ProcessId = r.IsDBNull(3) ? 0 : r.GetInt32(3),
                StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                LastHeartbeat = DateTimeOffset.FromUnixTimeMilliseconds(last),
                IsAlive = r.GetInt64(6) == 0 && last >= cutoff,
                SegmentsInFlight = r.GetInt32(7),
            });
        }
        return list;
    }, cancellationToken);

    public Task<ListingLease?> TryAcquireListingAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken) => Locked(() =>
    {
        var now = Now();
        using var tx = _connection.BeginTransaction();
        var changed = Exec("""
            UPDATE tasks SET listing_owner = $a, listing_lease_until = $u,
                   state = CASE WHEN state = 'Pending' THEN 'Running' ELSE state END,
                   started_at = COALESCE(started_at, $now)
            WHERE id = $t AND listing_done = 0 AND state IN ('Pending', 'Running')
              AND (listing_owner IS NULL OR listing_owner = $a OR listing_lease_until < $now)
            """, tx, ("$a", agentName), ("$u", now + (long)leaseDuration.TotalMilliseconds), ("$now", now), ("$t", taskId));
        if (changed == 0) return null;
        using var cmd = Command("SELECT listing_cursor, next_segment_seq FROM tasks WHERE id = $t", tx, ("$t", taskId));
        using var r = cmd.ExecuteReader();
        r.Read();
        var lease = new ListingLease(taskId, r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1));
        r.Close();
        tx.Commit();
        return lease;
    }, cancellationToken);

    public Task<int> AppendSegmentAsync(long taskId, string agentName, IReadOnlyList<ObjectInfo> objects, string? segmentStartAfter,
        string? cursor, bool listingDone, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        var owner = ExecScalar("SELECT listing_owner FROM tasks WHERE id = $t AND listing_done = 0", tx, ("$t", taskId)) as string;
        if (owner != agentName)
            throw new LeaseLostException($"Agent '{agentName}' no longer holds the listing lease of task {taskId}.");
        // New keys are inserted; known keys are queued again only when they changed since they were
        // copied, or failed: the same statement serves the first and every secondary pass.
        using var upsert = Command("""
            INSERT INTO objects(task_id, key, size, last_modified, etag, source_crc64) VALUES($t, $k, $s, $m, $e, $c)
            ON CONFLICT(task_id, key) DO UPDATE SET size = excluded.size, last_modified = excluded.last_modified,
                etag = excluded.etag, source_crc64 = excluded.source_crc64, outcome = 0, error = NULL
            WHERE objects.outcome = 3 OR objects.size <> excluded.size OR objects.last_modified <> excluded.last_modified
               OR COALESCE(objects.etag, '') <> COALESCE(excluded.etag, '')
            """, tx);
        var pt = upsert.Parameters.Add("$t", SqliteType.Integer);
        var pk = upsert.Parameters.Add("$k", SqliteType.Text);
        var ps = upsert.Parameters.Add("$s", SqliteType.Integer);
        var pm = upsert.Parameters.Add("$m", SqliteType.Integer);
        var pe = upsert.Parameters.Add("$e", SqliteType.Text);
        var pc = upsert.Parameters.Add("$c", SqliteType.Integer);
        upsert.Prepare();
        string? first = null, last = null;
        var queued = 0;
        long bytes = 0;
        foreach (var o in objects)
        {
            pt.Value = taskId;
            pk.Value = o.Key;
            ps.Value = o.Size;
            pm.Value = o.LastModified.ToUnixTimeMilliseconds();
            pe.Value = (object?)o.ETag ?? DBNull.Value;
            pc.Value = o.Crc64 is { } crc ? unchecked((long)crc) : DBNull.Value;
            if (upsert.ExecuteNonQuery() == 0) continue;
            first ??= o.Key;
            last = o.Key;
            queued++;
            bytes += o.Size;
        }
        if (queued > 0)
        {
            Exec("""
                INSERT INTO segments(task_id, seq, start_after, first_key, last_key, object_count, byte_count)
                VALUES($t, (SELECT next_segment_seq FROM tasks WHERE id = $t), $a, $f, $l, $c, $b)
                """, tx, ("$t", taskId), ("$a", segmentStartAfter), ("$f", first), ("$l", last), ("$c", queued), ("$b", bytes));
            Exec("UPDATE tasks SET next_segment_seq = next_segment_seq + 1, changed_in_pass = changed_in_pass + $c WHERE id = $t",
                tx, ("$t", taskId), ("$c", queued));
        }
        Exec("UPDATE tasks SET listing_cursor = $c, listing_done = $d WHERE id = $t", tx,
            ("$c", cursor), ("$d", listingDone ? 1 : 0), ("$t", taskId));
        if (listingDone)
            Exec("UPDATE tasks SET listing_owner = NULL, listing_lease_until = NULL WHERE id = $t", tx, ("$t", taskId));
        tx.Commit();
        return queued;
    }, cancellationToken);

    public Task FailTaskAsync(long taskId, string reason, CancellationToken cancellationToken) => Locked(() =>
        Exec("UPDATE tasks SET state = 'Failed', state_reason = $r, finished_at = $now, listing_owner = NULL WHERE id = $t",
            null, ("$r", reason), ("$now", Now()), ("$t", taskId)), cancellationToken);

    public Task<SegmentClaim?> ClaimSegmentAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken) => Locked(() =>
    {
        var now = Now();
        using var tx = _connection.BeginTransaction();
        using var cmd = Command("""
            UPDATE segments SET state = 1, owner = $a, lease_until = $u, claims = claims + 1
            WHERE id = (SELECT id FROM segments WHERE task_id = $t AND (state = 0 OR (state = 1 AND lease_until < $now)) ORDER BY seq LIMIT 1)
            RETURNING id, start_after, first_key, last_key
            """, tx, ("$a", agentName), ("$u", now + (long)leaseDuration.TotalMilliseconds), ("$t", taskId), ("$now", now));
        using var r = cmd.ExecuteReader();
        SegmentClaim? claim = r.Read()
            ? new SegmentClaim(r.GetInt64(0), taskId, r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3))
            : null;
        r.Close();
        tx.Commit();
        return claim;
    }, cancellationToken);

    public Task<IReadOnlyList<PendingObject>> GetPendingObjectsAsync(SegmentClaim segment, CancellationToken cancellationToken) => Locked<IReadOnlyList<PendingObject>>(() =>
    {
        using var cmd = Command("""
            SELECT key, size, last_modified, etag, source_crc64 FROM objects
            WHERE task_id = $t AND key >= $f AND key <= $l AND outcome = 0 ORDER BY key
            """, null, ("$t", segment.TaskId), ("$f", segment.FirstKey), ("$l", segment.LastKey));
        using var r = cmd.ExecuteReader();
        var list = new List<PendingObject>();
        while (r.Read())
            list.Add(new PendingObject(segment.TaskId, segment.SegmentId, r.GetString(0), r.GetInt64(1),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : unchecked((ulong)r.GetInt64(4))));
        return list;
    }, cancellationToken);

    public Task RecordOutcomesAsync(IReadOnlyList<ObjectOutcomeRecord> outcomes, CancellationToken cancellationToken) => Locked(() =>
    {
        var now = Now();
        using var tx = _connection.BeginTransaction();
        // Only a pending object changes: a record from an agent whose lease was taken over cannot
        // count an object twice. What was copied replaces what was listed, so that a secondary
        // pass compares against the copy.
        using var update = Command("""
            UPDATE objects SET outcome = $o, attempts = attempts + $n, crc64 = $c, error = $e, updated_at = $now,
                size = COALESCE($s, size), last_modified = COALESCE($m, last_modified), etag = CASE WHEN $s IS NULL THEN etag ELSE $g END
            WHERE task_id = $t AND key = $k AND outcome = 0
            """, tx);
        var po = update.Parameters.Add("$o", SqliteType.Integer);
        var pn = update.Parameters.Add("$n", SqliteType.Integer);
        var pc = update.Parameters.Add("$c", SqliteType.Integer);
        var pe = update.Parameters.Add("$e", SqliteType.Text);
        var pnow = update.Parameters.Add("$now", SqliteType.Integer);
        var ps = update.Parameters.Add("$s", SqliteType.Integer);
        var pm = update.Parameters.Add("$m", SqliteType.Integer);
        var pg = update.Parameters.Add("$g", SqliteType.Text);
        var pt = update.Parameters.Add("$t", SqliteType.Integer);
        var pk = update.Parameters.Add("$k", SqliteType.Text);
        update.Prepare();
        foreach (var o in outcomes)
        {
            po.Value = (int)o.Outcome;
            pn.Value = o.Attempts;
            pc.Value = o.Crc64 is { } crc ? unchecked((long)crc) : DBNull.Value;
            pe.Value = (object?)o.Error ?? DBNull.Value;
            pnow.Value = now;
            ps.Value = o.Copied is { } c1 ? c1.Size : DBNull.Value;
            pm.Value = o.Copied is { } c2 ? c2.LastModified.ToUnixTimeMilliseconds() : DBNull.Value;
            pg.Value = (object?)o.Copied?.ETag ?? DBNull.Value;
            pt.Value = o.TaskId;
            pk.Value = o.Key;
            update.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }, cancellationToken);

    public Task CompleteSegmentAsync(long segmentId, string agentName, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        // Done only when no object of it is pending, whoever copied them.
        var done = Exec("""
            UPDATE segments SET state = 2, owner = NULL, lease_until = NULL
            WHERE id = $id AND state = 1 AND owner = $a
              AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.task_id = segments.task_id
                              AND o.key >= segments.first_key AND o.key <= segments.last_key AND o.outcome = 0)
            """, tx, ("$id", segmentId), ("$a", agentName));
        if (done == 0) // some outcome was not recorded: give the segment back for another pass
            Exec("UPDATE segments SET state = 0, owner = NULL, lease_until = NULL WHERE id = $id AND state = 1 AND owner = $a",
                tx, ("$id", segmentId), ("$a", agentName));
        tx.Commit();
        return true;
    }, cancellationToken);

    public Task<MigrationTaskState> TryFinishTaskAsync(long taskId, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        var now = Now();
        Exec("""
            UPDATE tasks SET
                state = CASE WHEN EXISTS (SELECT 1 FROM objects WHERE task_id = $t AND outcome = 3)
                             THEN 'CompletedWithFailures' ELSE 'Completed' END,
                finished_at = $now
            WHERE id = $t AND listing_done = 1 AND state = 'Running'
              AND NOT EXISTS (SELECT 1 FROM segments WHERE task_id = $t AND state <> 2)
            """, tx, ("$t", taskId), ("$now", now));
        var state = Enum.Parse<MigrationTaskState>((string)ExecScalar("SELECT state FROM tasks WHERE id = $t", tx, ("$t", taskId))!);
        tx.Commit();
        return state;
    }, cancellationToken);

    public Task<MigrationStatus> GetStatusAsync(long taskId, CancellationToken cancellationToken) => Locked(() =>
    {
        var task = ReadTasks("WHERE id = $i", null, ("$i", taskId)).SingleOrDefault()
            ?? throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound, $"No task with id {taskId}.", taskId);
        var counts = new JournalCounts();
        using (var cmd = Command("""
            SELECT listing_done, changed_in_pass,
                   (SELECT COUNT(*) FROM segments WHERE task_id = $t), (SELECT COUNT(*) FROM segments WHERE task_id = $t AND state = 2)
            FROM tasks WHERE id = $t
            """, null, ("$t", taskId)))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            counts.ListingDone = r.GetInt64(0) == 1;
            counts.ChangedInPass = r.GetInt64(1);
            counts.Segments = r.GetInt32(2);
            counts.SegmentsDone = r.GetInt32(3);
        }
        // Counted from the journal itself, so retries and secondary passes can never skew them.
        using (var cmd = Command("SELECT outcome, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = $t GROUP BY outcome", null, ("$t", taskId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                counts.Add((ObjectOutcome)r.GetInt32(0), r.GetInt64(1), r.GetInt64(2));
        return StatusBuilder.Build(task, counts);
    }, cancellationToken);

    public Task UpdateOptionsAsync(long taskId, SameNamePolicy policy, TaskOptions options, CancellationToken cancellationToken) => Locked(() =>
        Exec("UPDATE tasks SET same_name_policy = $p, options = $o WHERE id = $t", null,
            ("$p", policy.ToString()), ("$o", options.ToJson()), ("$t", taskId)), cancellationToken);

    public Task<bool> TransitionAsync(long taskId, MigrationTaskState[] from, MigrationTaskState to, CancellationToken cancellationToken) => Locked(() =>
    {
        var allowed = string.Join(",", from.Select(f => $"'{f}'"));
        return Exec($"UPDATE tasks SET state = $s WHERE id = $t AND state IN ({allowed})", null, ("$s", to.ToString()), ("$t", taskId)) == 1;
    }, cancellationToken);

    public Task<long> RetryFailedAsync(long taskId, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        // Each failed object goes back to the newest segment whose range holds it; nothing else is touched.
        Exec("""
            UPDATE segments SET state = 0, owner = NULL, lease_until = NULL
            WHERE id IN (SELECT (SELECT s.id FROM segments s WHERE s.task_id = o.task_id AND o.key >= s.first_key AND o.key <= s.last_key
                                 ORDER BY s.seq DESC LIMIT 1)
                         FROM objects o WHERE o.task_id = $t AND o.outcome = 3)
            """, tx, ("$t", taskId));
        var count = Exec("UPDATE objects SET outcome = 0, error = NULL WHERE task_id = $t AND outcome = 3", tx, ("$t", taskId));
        Exec("""
            UPDATE tasks SET state = 'Running', state_reason = NULL, finished_at = NULL, listing_owner = NULL, listing_lease_until = NULL
            WHERE id = $t AND ($c > 0 OR listing_done = 0)
            """, tx, ("$t", taskId), ("$c", count));
        tx.Commit();
        return (long)count;
    }, cancellationToken);

    public Task<int> StartIncrementalPassAsync(long taskId, CancellationToken cancellationToken) => Locked(() =>
    {
        Exec("""
            UPDATE tasks SET pass = pass + 1, changed_in_pass = 0, listing_done = 0, listing_cursor = NULL, listing_owner = NULL,
                listing_lease_until = NULL, state = 'Running', state_reason = NULL, started_at = $now, finished_at = NULL
            WHERE id = $t
            """, null, ("$t", taskId), ("$now", Now()));
        return Convert.ToInt32(ExecScalar("SELECT pass FROM tasks WHERE id = $t", null, ("$t", taskId)));
    }, cancellationToken);

    public Task DeleteTaskAsync(long taskId, CancellationToken cancellationToken) => Locked(() =>
    {
        using var tx = _connection.BeginTransaction();
        Exec("DELETE FROM objects WHERE task_id = $t", tx, ("$t", taskId));
        Exec("DELETE FROM segments WHERE task_id = $t", tx, ("$t", taskId));
        Exec("DELETE FROM tasks WHERE id = $t", tx, ("$t", taskId));
        tx.Commit();
        return true;
    }, cancellationToken);

    public async IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(long taskId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = (await GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false))?.Name ?? "";
        // Read in key-ordered pages so a large failed list is never held in memory at once.
        string? after = null;
        while (true)
        {
            var page = await Locked(() =>
            {
                using var cmd = Command("""
                    SELECT key, size, attempts, error, updated_at FROM objects
                    WHERE task_id = $t AND outcome = 3 AND ($a IS NULL OR key > $a) ORDER BY key LIMIT 1000
                    """, null, ("$t", taskId), ("$a", after));
                using var r = cmd.ExecuteReader();
                var list = new List<FailedObject>();
                while (r.Read())
                    list.Add(new FailedObject
                    {
                        TaskName = name,
                        Key = r.GetString(0),
                        Size = r.GetInt64(1),
                        Attempts = r.GetInt32(2),
                        Error = r.IsDBNull(3) ? null : r.GetString(3),
                        LastAttemptAt = r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                    });
                return list;
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in page) yield return item;
            if (page.Count < 1000) yield break;
            after = page[^1].Key;
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    // ---- helpers -------------------------------------------------------------------------

    private async Task<T> Locked<T>(Func<T> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection.State != System.Data.ConnectionState.Open)
                throw new InvalidOperationException("The control plane is not initialized.");
            return action();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // BUSY, LOCKED after the busy timeout
        {
            throw new MigrationException("ControlPlaneBusy", MigrationErrorKind.ConnectionError,
                $"The control plane at '{_path}' stayed locked: {e.Message}", _path, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx, params (string Name, object? Value)[] args)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private int Exec(string sql, SqliteTransaction? tx = null, params (string, object?)[] args)
    {
        using var cmd = Command(sql, tx, args);
        return cmd.ExecuteNonQuery();
    }

    private object? ExecScalar(string sql, SqliteTransaction? tx = null, params (string, object?)[] args)
    {
        using var cmd = Command(sql, tx, args);
        var value = cmd.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private List<MigrationTask> ReadTasks(string where, SqliteTransaction? tx, params (string, object?)[] args)
    {
        using var cmd = Command($"""
            SELECT id, name, source, source_profile, destination, destination_profile, same_name_policy,
                   master_agent, state, state_reason, created_at, started_at, finished_at, options, pass
            FROM tasks {where}
            """, tx, args);
        using var r = cmd.ExecuteReader();
        var list = new List<MigrationTask>();
        while (r.Read())
            list.Add(TaskMapper.WithOptions(new MigrationTask
            {
                Id = r.GetInt64(0),
                Name = r.GetString(1),
                Source = r.GetString(2),
                SourceProfile = r.IsDBNull(3) ? null : r.GetString(3),
                Destination = r.GetString(4),
                DestinationProfile = r.IsDBNull(5) ? null : r.GetString(5),
                SameNamePolicy = Enum.Parse<SameNamePolicy>(r.GetString(6)),
                MasterAgent = r.IsDBNull(7) ? null : r.GetString(7),
                State = Enum.Parse<MigrationTaskState>(r.GetString(8)),
                StateReason = r.IsDBNull(9) ? null : r.GetString(9),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)),
                StartedAt = r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
                FinishedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
                Pass = r.GetInt32(14),
            }, TaskOptions.FromJson(r.GetString(13))));
        return list;
    }
}
