using System.Data.Common;
using System.Diagnostics;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Bench;

/// <summary>The time of a status against a journal of a given size, written directly with SQL.</summary>
internal static class StatusBench
{
    public static async Task RunAsync(BenchDatabase db, long objects)
    {
        var ct = CancellationToken.None;
        using var store = db.Open();
        await store.InitializeAsync(ct);
        // A small task and a large one in one database, timed alternately, so that both see the same load.
        var tasks = new List<(long Id, long Objects)>();
        foreach (var (name, count) in new[] { ("small", 2000L), ("large", objects) })
        {
            var task = await store.CreateTaskAsync(new TaskSpec(name, "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, null,
                new MigrationTaskSettings()), ct);
            var fill = Stopwatch.StartNew();
            using (var c = db.Connect())
                Fill(c, db.IsPostgres, task.Id, count);
            Console.WriteLine($"  journal of {count} objects written in {fill.Elapsed.TotalSeconds:F0} s");
            if ((await store.GetStatusAsync(task.Id, ct)).Total != count) throw new InvalidOperationException($"status of {name} does not count {count}");
            tasks.Add((task.Id, count));
        }
        using var raw = db.Connect();
        var status = tasks.Select(_ => new List<double>()).ToArray();
        var journal = tasks.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < 21; round++)
            for (var i = 0; i < tasks.Count; i++)
            {
                status[i].Add(Time(() => store.GetStatusAsync(tasks[i].Id, ct).GetAwaiter().GetResult()));
                // What a status ran before the counters: the journal grouped by outcome (5 rounds: seconds each when large).
                if (round < 5) journal[i].Add(Time(() => CountJournal(raw, tasks[i].Id)));
            }
        Console.WriteLine($"RESULT store={(db.IsPostgres ? "postgres" : "sqlite")} small=2000 large={objects} " +
            $"status_ms_small={Median(status[0]):F2} status_ms_large={Median(status[1]):F2} " +
            $"journal_count_ms_small={Median(journal[0]):F1} journal_count_ms_large={Median(journal[1]):F1}");
    }

    private static void CountJournal(DbConnection c, long taskId)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT outcome, COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE task_id = {taskId} GROUP BY outcome";
        cmd.CommandTimeout = 0;
        using var r = cmd.ExecuteReader();
        while (r.Read()) { }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> times)
    {
        var sorted = times.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Objects (9 in 10 succeeded, the rest pending) and done segments of 1,000, as a run leaves them.</summary>
    private static void Fill(DbConnection c, bool postgres, long taskId, long objects)
    {
        var segments = (objects + 999) / 1000;
        if (postgres)
        {
            BenchDatabase.Exec(c, $"""
                INSERT INTO objects(task_id, key, size, last_modified, etag, outcome, attempts)
                SELECT {taskId}, 'photos/' || lpad(g::text, 10, '0') || '.jpg', 100000 + g % 1000, 1700000000000, 'e', CASE WHEN g % 10 = 0 THEN 0 ELSE 1 END, 1
                FROM generate_series(1, {objects}) g;
                INSERT INTO segments(task_id, seq, first_key, last_key, object_count, byte_count, state)
                SELECT {taskId}, g, 'a', 'b', 1000, 0, 2 FROM generate_series(0, {segments - 1}) g;
                UPDATE tasks SET next_segment_seq = {segments}, listing_done = 1, state = 'Running' WHERE id = {taskId};
                """);
            BenchDatabase.Exec(c, "VACUUM ANALYZE objects");
            return;
        }
        BenchDatabase.Exec(c, $"""
            BEGIN;
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {objects})
            INSERT INTO objects(task_id, key, size, last_modified, etag, outcome, attempts)
            SELECT {taskId}, 'photos/' || printf('%010d', n) || '.jpg', 100000 + n % 1000, 1700000000000, 'e', CASE WHEN n % 10 = 0 THEN 0 ELSE 1 END, 1 FROM g;
            WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < {segments - 1})
            INSERT INTO segments(task_id, seq, first_key, last_key, object_count, byte_count, state) SELECT {taskId}, n, 'a', 'b', 1000, 0, 2 FROM g;
            UPDATE tasks SET next_segment_seq = {segments}, listing_done = 1, state = 'Running' WHERE id = {taskId};
            COMMIT;
            """);
    }
}
