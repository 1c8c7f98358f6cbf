using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.ControlPlane.Postgres;
using Npgsql;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// Control planes left behind by earlier builds open with this one: a database at any earlier
/// version migrates and keeps its rows, one at the current version is taken as it is, and a new
/// database is exactly what the earlier builds made.
/// </summary>
public abstract partial class SchemaHistoryConformance : IDisposable
{
    private const int Current = 6;
    protected CancellationToken Ct => CancellationToken.None;

    protected abstract string[] EarlierSteps { get; }
    protected abstract IControlPlane Open();
    protected abstract DbConnection Connect();
    protected abstract void SetVersion(DbConnection c, int version);
    protected abstract long ReadVersion(DbConnection c);
    /// <summary>Tables, columns, types, collations, keys and indexes, in a stable order.</summary>
    protected abstract List<string> Describe(DbConnection c);
    public abstract void Dispose();

    private void MakeEarlier(int version)
    {
        using var c = Connect();
        for (var v = 0; v < version; v++) Exec(c, EarlierSteps[v]);
        SetVersion(c, version);
    }

    protected static object? Exec(DbConnection c, string sql, bool scalar = false)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return scalar ? cmd.ExecuteScalar() : cmd.ExecuteNonQuery();
    }

    [StoreFact]
    public async Task A_version_1_database_migrates_and_keeps_its_tasks_segments_and_journal()
    {
        MakeEarlier(1);
        using (var c = Connect())
        {
            Exec(c, """
                INSERT INTO tasks(name, source, destination, same_name_policy, state, created_at, options, listing_done)
                VALUES('old', 'local:///src', 'local:///dst', 'Skip', 'Running', 1700000000000, '{"QpsLimit":7,"Include":["*.jpg"],"Exclude":[]}', 1);
                INSERT INTO tasks(name, source, destination, same_name_policy, state, created_at)
                VALUES('Old', 'local:///src2', 'local:///dst2', 'Overwrite', 'Pending', 1700000000001);
                INSERT INTO segments(task_id, seq, first_key, last_key, object_count, byte_count)
                SELECT id, 0, 'a', 'c', 3, 30 FROM tasks WHERE name = 'old';
                INSERT INTO objects(task_id, key, size, last_modified, outcome)
                SELECT id, k.key, 10, 1700000000000, k.outcome FROM tasks, (SELECT 'a' AS key, 1 AS outcome UNION ALL SELECT 'b', 3 UNION ALL SELECT 'c', 0) k
                WHERE name = 'old';
                """);
        }
        using var store = Open();
        await store.InitializeAsync(Ct);

        var task = (await store.GetTaskAsync("old", Ct))!;
        Assert.Equal((SameNamePolicy.Skip, MigrationTaskState.Running, 7.0, "*.jpg"), (task.SameNamePolicy, task.State, task.QpsLimit, task.Include.Single()));
        var status = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((3L, 1L, 1L), (status.Total, status.Succeeded, status.Failed));
        // Failures journaled before v4 have no reason: they read as Unknown.
        await foreach (var failed in store.GetFailedObjectsAsync(task.Id, Ct)) Assert.Equal(("b", FailureReason.Unknown), (failed.Key, failed.Reason));
        // v5 counted the journal once into the counters the status reads.
        Assert.Equal((30L, 10L), (status.TotalBytes, status.TransferredBytes));
        Assert.Empty(await store.RecountAsync(task.Id, Ct));
        // v3 told apart names that differ only in case: the later one has its id appended.
        Assert.Equal(2, (await store.ListTasksAsync(Ct)).Count(t => t.Name.StartsWith("Old~", StringComparison.Ordinal) || t.Name == "old"));
        var claimed = await store.ClaimSegmentAsync(task.Id, "agent", TimeSpan.FromMinutes(1), Ct);
        Assert.NotNull(claimed);
        using var check = Connect();
        Assert.Equal(Current, ReadVersion(check));
    }

    [StoreFact]
    public async Task A_version_5_database_counts_each_task_in_its_current_pass()
    {
        MakeEarlier(5);
        using (var c = Connect())
        {
            // 'again' is in its second pass: v5 kept no pass per object, so its journal counts in pass 2.
            Exec(c, """
                INSERT INTO tasks(name, source, destination, same_name_policy, state, created_at, pass, listing_done)
                VALUES('once', 'local:///a', 'local:///b', 'Skip', 'Completed', 1700000000000, 1, 1);
                INSERT INTO tasks(name, source, destination, same_name_policy, state, created_at, pass, listing_done)
                VALUES('again', 'local:///a', 'local:///c', 'Skip', 'Running', 1700000000000, 2, 0);
                INSERT INTO objects(task_id, key, size, last_modified, outcome)
                SELECT id, k.key, k.size, 1700000000000, k.outcome FROM tasks,
                    (SELECT 'a' AS key, 10 AS size, 1 AS outcome UNION ALL SELECT 'b', 20, 3 UNION ALL SELECT 'c', 30, 0 UNION ALL SELECT 'd', 40, 2) k;
                """);
        }
        using var store = Open();
        await store.InitializeAsync(Ct);
        foreach (var (name, pass) in new[] { ("once", 1), ("again", 2) })
        {
            var task = (await store.GetTaskAsync(name, Ct))!;
            var s = await store.GetStatusAsync(task.Id, Ct);
            Assert.Equal((pass, 4L, 100L, 1L, 1L, 1L, 1L, 10L), (s.Pass, s.Total, s.TotalBytes, s.Succeeded, s.Failed, s.Skipped, s.Pending, s.TransferredBytes));
            Assert.Equal((s.Total, s.TotalBytes, s.Succeeded, s.Failed, s.Skipped, s.Pending, s.TransferredBytes),
                (s.PassTotal, s.PassTotalBytes, s.PassSucceeded, s.PassFailed, s.PassSkipped, s.PassPending, s.PassTransferredBytes));
            Assert.Empty(await store.RecountAsync(task.Id, Ct));
        }
        // A third pass of 'again' starts from nothing queued and counts what its listing queues.
        var again = (await store.GetTaskAsync("again", Ct))!;
        await store.TryAcquireListingAsync(again.Id, "lister", TimeSpan.FromMinutes(1), Ct);
        await store.AppendSegmentAsync(again.Id, "lister", [], null, null, true, Ct);
        Assert.Equal(3, await store.StartIncrementalPassAsync(again.Id, Ct));
        Assert.NotNull(await store.TryAcquireListingAsync(again.Id, "lister", TimeSpan.FromMinutes(1), Ct));
        await store.AppendSegmentAsync(again.Id, "lister",
            [new("a", 10, DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), null), new("b", 20, DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), null)],
            null, "b", true, Ct);
        var third = await store.GetStatusAsync(again.Id, Ct);
        // 'a' is unchanged and copied: not queued; 'b' failed: queued again.
        Assert.Equal((3, 1L, 1L, 20L, 4L), (third.Pass, third.PassTotal, third.PassPending, third.PassTotalBytes, third.Total));
        Assert.Empty(await store.RecountAsync(again.Id, Ct));
    }

    [StoreFact]
    public async Task A_database_at_the_current_version_is_taken_as_it_is()
    {
        MakeEarlier(Current);
        List<string> before;
        using (var c = Connect()) before = Describe(c);
        using var store = Open();
        await store.InitializeAsync(Ct);
        var created = await store.CreateTaskAsync(new TaskSpec("t", "local:///s", null, "local:///d", null, SameNamePolicy.Overwrite, null, new MigrationTaskSettings()), Ct);
        Assert.Equal("t", created.Name);
        using var after = Connect();
        Assert.Equal(Current, ReadVersion(after));
        Assert.Equal(before, Describe(after));
    }

    [StoreFact]
    public async Task A_new_database_is_what_earlier_builds_made()
    {
        List<string> made;
        using (var store = Open())
        {
            await store.InitializeAsync(Ct);
            using var c = Connect();
            Assert.Equal(Current, ReadVersion(c));
            made = Describe(c);
            Exec(c, DropAll);
        }
        MakeEarlier(Current);
        using var earlier = Connect();
        Assert.Equal(Describe(earlier), made);
    }

    protected abstract string DropAll { get; }

    [GeneratedRegex(@"--[^\n]*")]
    protected static partial Regex Comment();

    /// <summary>SQL as stored, without comments and with spaces collapsed.</summary>
    protected static string Plain(string sql) => Regex.Replace(Comment().Replace(sql, ""), @"\s+", " ").Trim();
}

public sealed class SqliteSchemaHistory : SchemaHistoryConformance
{
    private readonly SqliteTestDatabase _db = new();

    protected override string[] EarlierSteps => EarlierSchemas.Sqlite;
    protected override IControlPlane Open() => _db.Open();

    protected override DbConnection Connect()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.FilePath)!);
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.FilePath, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    protected override void SetVersion(DbConnection c, int version) => Exec(c, $"PRAGMA user_version = {version}");
    protected override long ReadVersion(DbConnection c) => Convert.ToInt64(Exec(c, "PRAGMA user_version", scalar: true));

    protected override List<string> Describe(DbConnection c)
    {
        var rows = new List<string>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add($"{r.GetString(0)} {r.GetString(1)} on {r.GetString(2)}: {(r.IsDBNull(3) ? "" : Plain(r.GetString(3)))}");
        return rows;
    }

    protected override string DropAll => "DROP TABLE objects; DROP TABLE segments; DROP TABLE agents; DROP TABLE tasks; DROP TABLE task_counters; PRAGMA user_version = 0;";

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _db.Dispose();
    }
}

[RequiresPostgres]
public sealed class PostgresSchemaHistory : SchemaHistoryConformance
{
    private readonly PostgresTestDatabase _db = new();

    protected override string[] EarlierSteps => EarlierSchemas.Postgres;
    protected override IControlPlane Open() => _db.Open();

    protected override DbConnection Connect()
    {
        var c = new NpgsqlConnection(PostgresConnection.Build(_db.ConnectionString, null).ConnectionString);
        c.Open();
        return c;
    }

    protected override void SetVersion(DbConnection c, int version) =>
        Exec(c, $"CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version(version) VALUES({version})");

    protected override long ReadVersion(DbConnection c) => Convert.ToInt64(Exec(c, "SELECT MAX(version) FROM schema_version", scalar: true));

    protected override List<string> Describe(DbConnection c)
    {
        var rows = new List<string>();
        void Add(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.Add(new NpgsqlParameter("s", _db.Schema));
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i)))));
        }
        Add("""
            SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name, is_identity, identity_generation
            FROM information_schema.columns WHERE table_schema = @s ORDER BY table_name, column_name
            """);
        Add("SELECT tablename, indexname, replace(indexdef, @s || '.', '') FROM pg_indexes WHERE schemaname = @s ORDER BY indexname");
        Add("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = @s::regnamespace ORDER BY conname
            """);
        return rows;
    }

    protected override string DropAll => "DROP TABLE objects, segments, agents, tasks, task_counters, schema_version; DROP FUNCTION objects_count()";

    public override void Dispose() => _db.Dispose();
}
