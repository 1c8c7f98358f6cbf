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
                new CounterMismatch(ObjectOutcome.Succeeded, right.Succeeded + 7, right.TransferredBytes + 70, right.Succeeded, right.TransferredBytes),
                new CounterMismatch(ObjectOutcome.Failed, 0, 0, 4, Objects(0, 40, 10).Where(o => o.Key.EndsWith('3')).Sum(o => o.Size)),
            ], wrong);
        var repaired = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((right.Total, right.Succeeded, right.Failed, right.TotalBytes), (repaired.Total, repaired.Succeeded, repaired.Failed, repaired.TotalBytes));
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
