using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.ControlPlane.Postgres;
using MspMigration.Engine.Stores;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// The per-task counters a status reads are the journal's own counts: after any mix of outcomes,
/// retries and passes, from several writers at once, and after an edit by hand (repaired by a recount).
/// </summary>
public abstract class CounterConformance : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private readonly List<IControlPlane> _opened = [];
    protected ITestDatabase Database { get; private set; } = null!;
    private static CancellationToken Ct => CancellationToken.None;

    protected abstract ITestDatabase CreateDatabase();
    /// <summary>Runs SQL on the database directly, as an operator with a SQL shell would.</summary>
    protected abstract void ExecuteDirectly(string sql);

    public Task InitializeAsync()
    {
        Database = CreateDatabase();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var store in _opened) store.Dispose();
        Database.Dispose();
        return Task.CompletedTask;
    }

    private async Task<IControlPlane> OpenAsync()
    {
        var store = Database.Open();
        _opened.Add(store);
        await store.InitializeAsync(Ct);
        return store;
    }

    private static List<ObjectInfo> Objects(int from, int count, int size) =>
        Enumerable.Range(from, count).Select(i => new ObjectInfo($"k{i:D6}", size + i, DateTimeOffset.UnixEpoch.AddDays(i), $"e{i}")).ToList();

    /// <summary>Lists <paramref name="objects"/> as one listing in pages of <paramref name="page"/>.</summary>
    private static async Task ListAsync(IControlPlane store, long taskId, List<ObjectInfo> objects, int page)
    {
        Assert.NotNull(await store.TryAcquireListingAsync(taskId, "lister", Long, Ct));
        for (var i = 0; i < objects.Count; i += page)
        {
            var chunk = objects.Skip(i).Take(page).ToList();
            await store.AppendSegmentAsync(taskId, "lister", chunk, i == 0 ? null : objects[i - 1].Key, chunk[^1].Key, i + page >= objects.Count, Ct);
        }
    }

    /// <summary>Works every segment it can claim; <paramref name="decide"/> picks each object's outcome.</summary>
    private static async Task WorkAsync(IControlPlane store, long taskId, string agent, Func<PendingObject, ObjectOutcome> decide)
    {
        while (await store.ClaimSegmentAsync(taskId, agent, Long, Ct) is { } segment)
        {
            var pending = await store.GetPendingObjectsAsync(segment, Ct);
            var records = pending.Select(o =>
            {
                var outcome = decide(o);
                // A copy that found the source grown since the listing records what it copied.
                var copied = outcome == ObjectOutcome.Succeeded ? new ObjectInfo(o.Key, o.Size + 1000, o.LastModified, "copied") : null;
                return new ObjectOutcomeRecord(taskId, segment.SegmentId, o.Key, outcome, copied?.Size ?? 0, null, 1,
                    outcome == ObjectOutcome.Failed ? "boom" : null, copied);
            }).ToList();
            for (var i = 0; i < records.Count; i += 7) await store.RecordOutcomesAsync(records.Skip(i).Take(7).ToList(), Ct);
            await store.CompleteSegmentAsync(segment.SegmentId, agent, Ct);
        }
    }

    private static async Task AssertCountersRightAsync(IControlPlane store, long taskId)
    {
        var wrong = await store.RecountAsync(taskId, Ct);
        Assert.True(wrong.Count == 0, "counters differ from the journal: " + string.Join("; ", wrong));
    }

    private static TaskSpec Spec(string name) =>
        new(name, "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, null, new MigrationTaskSettings());

    [StoreFact]
    public async Task Counters_equal_the_journal_after_failures_retries_skips_and_a_secondary_pass()
    {
        var store = await OpenAsync();
        var other = await store.CreateTaskAsync(Spec("other"), Ct);
        await ListAsync(store, other.Id, Objects(0, 10, 1), 10);
        var task = await store.CreateTaskAsync(Spec("counted"), Ct);
        var first = Objects(0, 120, 10);
        await ListAsync(store, task.Id, first, 25);

        var tries = new Dictionary<string, int>();
        ObjectOutcome Decide(PendingObject o)
        {
            var n = tries[o.Key] = tries.GetValueOrDefault(o.Key) + 1;
            var i = int.Parse(o.Key[1..]);
            return i % 5 == 0 ? ObjectOutcome.Skipped : i % 7 == 0 && n == 1 ? ObjectOutcome.Failed : i % 11 == 0 ? ObjectOutcome.Failed : ObjectOutcome.Succeeded;
        }
        await WorkAsync(store, task.Id, "a1", Decide);
        await AssertCountersRightAsync(store, task.Id);
        var status = await store.GetStatusAsync(task.Id, Ct);
        var failedFirst = first.Count(o => int.Parse(o.Key[1..]) is var i && i % 5 != 0 && (i % 7 == 0 || i % 11 == 0));
        Assert.Equal((120L, 24L, (long)failedFirst, 0L), (status.Total, status.Skipped, status.Failed, status.Pending));
        Assert.Equal(MigrationTaskState.CompletedWithFailures, await store.TryFinishTaskAsync(task.Id, Ct));

        Assert.Equal(failedFirst, await store.RetryFailedAsync(task.Id, Ct));
        await AssertCountersRightAsync(store, task.Id);
        await WorkAsync(store, task.Id, "a2", Decide);
        await AssertCountersRightAsync(store, task.Id);
        var failedAfterRetry = first.Count(o => int.Parse(o.Key[1..]) is var i && i % 5 != 0 && i % 11 == 0);
        Assert.Equal(failedAfterRetry, (await store.GetStatusAsync(task.Id, Ct)).Failed);

        // Secondary pass: some objects changed (size), some are new, the failed ones are queued again.
        Assert.Equal(2, await store.StartIncrementalPassAsync(task.Id, Ct));
        var second = first.Select(o => int.Parse(o.Key[1..]) % 4 == 0 ? o with { Size = o.Size + 3 } : o).Concat(Objects(120, 30, 10)).ToList();
        await ListAsync(store, task.Id, second, 40);
        await AssertCountersRightAsync(store, task.Id);
        tries.Clear();
        await WorkAsync(store, task.Id, "a1", _ => ObjectOutcome.Succeeded);
        await AssertCountersRightAsync(store, task.Id);
        status = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((150L, 0L, 0L), (status.Total, status.Failed, status.Pending));
        Assert.Equal(150L - status.Skipped, status.Succeeded);
        Assert.Equal(MigrationTaskState.Completed, await store.TryFinishTaskAsync(task.Id, Ct));
        await AssertCountersRightAsync(store, other.Id);

        await store.DeleteTaskAsync(task.Id, Ct);
        Assert.Equal(10L, (await store.GetStatusAsync(other.Id, Ct)).Total);
        await AssertCountersRightAsync(store, other.Id);
    }

    [StoreFact]
    public async Task Counters_of_each_pass_equal_the_journal_grouped_by_the_pass_that_last_queued_each_object()
    {
        static int N(string key) => int.Parse(key[1..]);
        var store = await OpenAsync();
        var task = await store.CreateTaskAsync(Spec("passes"), Ct);
        var first = Objects(0, 60, 10);
        await ListAsync(store, task.Id, first, 25);
        await WorkAsync(store, task.Id, "a1", o => N(o.Key) % 5 == 0 ? ObjectOutcome.Skipped : N(o.Key) % 7 == 0 ? ObjectOutcome.Failed : ObjectOutcome.Succeeded);
        await AssertCountersRightAsync(store, task.Id);
        var s1 = await store.GetStatusAsync(task.Id, Ct);
        Assert.True(s1.Failed > 0 && s1.Skipped > 0);
        // The first pass is the whole task.
        Assert.Equal((1, s1.Total, s1.Succeeded, s1.Skipped, s1.Failed, 0L, s1.TotalBytes, s1.TransferredBytes),
            (s1.Pass, s1.PassTotal, s1.PassSucceeded, s1.PassSkipped, s1.PassFailed, s1.PassPending, s1.PassTotalBytes, s1.PassTransferredBytes));
        Assert.Equal(MigrationTaskState.CompletedWithFailures, await store.TryFinishTaskAsync(task.Id, Ct));

        Assert.Equal(2, await store.StartIncrementalPassAsync(task.Id, Ct));
        var started = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((2, 0L, 60L), (started.Pass, started.PassTotal, started.Total));

        // The source as the first pass left it (a copy records what it copied: WorkAsync); then every
        // fourth object changed, the failed ones are queued again, five are new.
        var second = first
            .Select(o => N(o.Key) % 5 != 0 && N(o.Key) % 7 != 0 ? o with { Size = o.Size + 1000, ETag = "copied" } : o)
            .Select(o => N(o.Key) % 4 == 0 ? o with { Size = o.Size + 3 } : o).Concat(Objects(60, 5, 10)).ToList();
        await ListAsync(store, task.Id, second, 20);
        await AssertCountersRightAsync(store, task.Id);
        var queued = second.Where(o => N(o.Key) % 4 == 0 || (N(o.Key) % 5 != 0 && N(o.Key) % 7 == 0) || N(o.Key) >= 60).ToList();
        var listed = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((65L, (long)queued.Count, (long)queued.Count, queued.Sum(o => o.Size)),
            (listed.Total, listed.PassTotal, listed.PassPending, listed.PassTotalBytes));

        await WorkAsync(store, task.Id, "a2", o => N(o.Key) % 3 == 0 ? ObjectOutcome.Failed : ObjectOutcome.Succeeded);
        await AssertCountersRightAsync(store, task.Id);
        var s2 = await store.GetStatusAsync(task.Id, Ct);
        var copied = queued.Where(o => N(o.Key) % 3 != 0).ToList();
        Assert.Equal((2, (long)queued.Count, (long)copied.Count, (long)(queued.Count - copied.Count), 0L, 0L, copied.Sum(o => o.Size + 1000)),
            (s2.Pass, s2.PassTotal, s2.PassSucceeded, s2.PassFailed, s2.PassSkipped, s2.PassPending, s2.PassTransferredBytes));
        Assert.Equal(65L, s2.Total);
        Assert.Equal(100.0, s2.PassPercentComplete);

        // Failures retried within the pass stay counted in it.
        Assert.Equal(queued.Count - copied.Count, await store.RetryFailedAsync(task.Id, Ct));
        await AssertCountersRightAsync(store, task.Id);
        Assert.Equal(((long)queued.Count, (long)(queued.Count - copied.Count)), ((await store.GetStatusAsync(task.Id, Ct)).PassTotal, (await store.GetStatusAsync(task.Id, Ct)).PassPending));
        await WorkAsync(store, task.Id, "a3", _ => ObjectOutcome.Succeeded);
        await AssertCountersRightAsync(store, task.Id);
        var s3 = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal(((long)queued.Count, (long)queued.Count, 0L), (s3.PassTotal, s3.PassSucceeded, s3.PassFailed));
    }

    [StoreFact]
    public async Task Counters_stay_exact_with_several_agents_recording_at_once()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OpenAsync()));
        var task = await stores[0].CreateTaskAsync(Spec("busy"), Ct);
        var objects = Objects(0, 3000, 10);
        await ListAsync(stores[0], task.Id, objects, 50);
        await Task.WhenAll(stores.Select((s, i) => Task.Run(() =>
            WorkAsync(s, task.Id, $"agent{i}", o => int.Parse(o.Key[1..]) % 13 == 0 ? ObjectOutcome.Failed : ObjectOutcome.Succeeded))));
        var status = await stores[0].GetStatusAsync(task.Id, Ct);
        var failed = objects.Count(o => int.Parse(o.Key[1..]) % 13 == 0);
        Assert.Equal((3000L, 3000L - failed, (long)failed, 0L), (status.Total, status.Succeeded, status.Failed, status.Pending));
        Assert.Equal(objects.Where(o => int.Parse(o.Key[1..]) % 13 != 0).Sum(o => o.Size + 1000), status.TransferredBytes);
        await AssertCountersRightAsync(stores[0], task.Id);
    }

    [StoreFact]
    public async Task A_recount_repairs_counters_edited_by_hand_and_names_what_differed()
    {
        var store = await OpenAsync();
        var task = await store.CreateTaskAsync(Spec("edited"), Ct);
        await ListAsync(store, task.Id, Objects(0, 40, 10), 40);
        await WorkAsync(store, task.Id, "a1", o => o.Key.EndsWith('3') ? ObjectOutcome.Failed : ObjectOutcome.Succeeded);
        var right = await store.GetStatusAsync(task.Id, Ct);

        ExecuteDirectly($"UPDATE task_counters SET objects = objects + 7, bytes = bytes + 70 WHERE task_id = {task.Id} AND outcome = 1");
        ExecuteDirectly($"DELETE FROM task_counters WHERE task_id = {task.Id} AND outcome = 3");
        Assert.Equal(right.Succeeded + 7, (await store.GetStatusAsync(task.Id, Ct)).Succeeded);

        var wrong = await store.RecountAsync(task.Id, Ct);
        Assert.Equal(
            [
                new CounterMismatch(ObjectOutcome.Succeeded, right.Succeeded + 7, right.TransferredBytes + 70, right.Succeeded, right.TransferredBytes) { Pass = 1 },
                new CounterMismatch(ObjectOutcome.Failed, 0, 0, 4, Objects(0, 40, 10).Where(o => o.Key.EndsWith('3')).Sum(o => o.Size)) { Pass = 1 },
            ], wrong);
        var repaired = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((right.Total, right.Succeeded, right.Failed, right.TotalBytes), (repaired.Total, repaired.Succeeded, repaired.Failed, repaired.TotalBytes));
        Assert.Empty(await store.RecountAsync(task.Id, Ct));

        // Counters moved to another pass: the task's totals still agree, the passes do not.
        ExecuteDirectly($"UPDATE task_counters SET pass = 2 WHERE task_id = {task.Id} AND outcome = 1");
        Assert.Equal(right.Succeeded, (await store.GetStatusAsync(task.Id, Ct)).Succeeded);
        Assert.Equal(0L, (await store.GetStatusAsync(task.Id, Ct)).PassSucceeded);
        Assert.Equal(
            [
                new CounterMismatch(ObjectOutcome.Succeeded, 0, 0, right.Succeeded, right.TransferredBytes) { Pass = 1 },
                new CounterMismatch(ObjectOutcome.Succeeded, right.Succeeded, right.TransferredBytes, 0, 0) { Pass = 2 },
            ], await store.RecountAsync(task.Id, Ct));
        Assert.Equal(right.Succeeded, (await store.GetStatusAsync(task.Id, Ct)).PassSucceeded);
        Assert.Empty(await store.RecountAsync(task.Id, Ct));
        var e = await Assert.ThrowsAsync<MigrationException>(() => store.RecountAsync(task.Id + 1000, Ct));
        Assert.Equal("TaskNotFound", e.ErrorId);
    }
}

public sealed class SqliteCounterConformance : CounterConformance
{
    protected override ITestDatabase CreateDatabase() => new SqliteTestDatabase();

    protected override void ExecuteDirectly(string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ((SqliteTestDatabase)Database).FilePath, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

[RequiresPostgres]
public sealed class PostgresCounterConformance : CounterConformance
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();

    protected override void ExecuteDirectly(string sql)
    {
        using var c = new NpgsqlConnection(PostgresConnection.Build(((PostgresTestDatabase)Database).ConnectionString, null).ConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
