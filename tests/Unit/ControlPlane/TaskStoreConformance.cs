using System.Collections.Concurrent;
using System.Text;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// What every IControlPlane must do, run once per store (SQLite always, PostgreSQL when configured).
/// Several store instances on one database stand for several agent processes.
/// </summary>
public abstract class TaskStoreConformance : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan PastShort = TimeSpan.FromMilliseconds(1600);
    private readonly List<IControlPlane> _opened = [];
    private ITestDatabase _database = null!;
    protected CancellationToken Ct => CancellationToken.None;

    protected abstract ITestDatabase CreateDatabase();

    public Task InitializeAsync()
    {
        _database = CreateDatabase();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var store in _opened) store.Dispose();
        _database.Dispose();
        return Task.CompletedTask;
    }

    protected async Task<IControlPlane> OpenAsync()
    {
        var store = _database.Open();
        _opened.Add(store);
        await store.InitializeAsync(Ct);
        return store;
    }

    private static TaskSpec Spec(string name, string? master = null) =>
        new(name, "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, master, new MigrationTaskSettings());

    private static List<ObjectInfo> Objects(int from, int count, int size = 100) =>
        Enumerable.Range(from, count).Select(i => new ObjectInfo($"k{i:D5}", size, DateTimeOffset.UnixEpoch.AddDays(i), $"e{i}", (ulong)i)).ToList();

    /// <summary>A task whose listing is complete, with the given number of segments of <paramref name="perSegment"/> objects.</summary>
    private async Task<MigrationTask> ListedTaskAsync(IControlPlane store, string name, int segments, int perSegment)
    {
        var task = await store.CreateTaskAsync(Spec(name), Ct);
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "lister", Long, Ct));
        for (var i = 0; i < segments; i++)
        {
            var objects = Objects(i * perSegment, perSegment);
            await store.AppendSegmentAsync(task.Id, "lister", objects, null, objects[^1].Key, i == segments - 1, Ct);
        }
        return task;
    }

    private static ObjectOutcomeRecord Outcome(PendingObject o, ObjectOutcome outcome, string? error = null) =>
        new(o.TaskId, o.SegmentId, o.Key, outcome, outcome == ObjectOutcome.Succeeded ? o.Size : 0, o.SourceCrc64, 1, error);

    [StoreFact]
    public async Task Creates_a_task_and_refuses_a_duplicate_name()
    {
        var store = await OpenAsync();
        var created = await store.CreateTaskAsync(Spec("photos", "10.0.0.5"), Ct);
        Assert.Equal(MigrationTaskState.Pending, created.State);
        Assert.Equal("10.0.0.5", created.MasterAgent);
        Assert.Equal(created.Id, (await store.GetTaskAsync("photos", Ct))!.Id);
        Assert.Equal("photos", (await store.GetTaskAsync(created.Id, Ct))!.Name);
        Assert.Null(await store.GetTaskAsync("nope", Ct));

        var other = await OpenAsync();
        var e = await Assert.ThrowsAsync<MigrationException>(() => other.CreateTaskAsync(Spec("photos"), Ct));
        Assert.Equal("TaskAlreadyExists", e.ErrorId);
        Assert.Equal(MigrationErrorKind.ResourceExists, e.Kind);
        Assert.Equal("photos", e.Target);
        Assert.Single(await store.ListTasksAsync(Ct));
    }

    [StoreFact]
    public async Task Task_names_are_unique_ignoring_case_and_found_in_any_case()
    {
        var store = await OpenAsync();
        var photos = await store.CreateTaskAsync(Spec("Photos"), Ct);
        var umlaut = await store.CreateTaskAsync(Spec("Ärger"), Ct);
        var other = await OpenAsync();
        foreach (var (name, existing) in new[] { ("PHOTOS", "Photos"), ("photos", "Photos"), ("ärger", "Ärger"), ("ÄRGER", "Ärger") })
        {
            var e = await Assert.ThrowsAsync<MigrationException>(() => other.CreateTaskAsync(Spec(name), Ct));
            Assert.Equal("TaskAlreadyExists", e.ErrorId);
            Assert.Equal(MigrationErrorKind.ResourceExists, e.Kind);
            Assert.Equal(name, e.Target);
            Assert.Contains($"'{existing}'", e.Message);
        }
        Assert.Equal(["Photos", "Ärger"], (await store.ListTasksAsync(Ct)).Select(t => t.Name));
        Assert.Equal(photos.Id, (await other.GetTaskAsync("pHOTOS", Ct))!.Id);
        Assert.Equal(umlaut.Id, (await other.GetTaskAsync("ärger", Ct))!.Id);
    }

    [StoreFact]
    public async Task Racing_creators_of_one_name_in_different_cases_get_one_task()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenAsync()));
        var names = new[] { "Race", "RACE", "race", "rAcE" };
        var results = await Task.WhenAll(stores.Select(async (s, i) =>
        {
            try { return (await s.CreateTaskAsync(Spec(names[i]), Ct)).Name; }
            catch (MigrationException e) when (e.ErrorId == "TaskAlreadyExists") { return null; }
        }));
        Assert.Single(results, r => r is not null);
        Assert.Single(await stores[0].ListTasksAsync(Ct));
    }

    [StoreFact]
    public async Task Initializing_again_keeps_the_data()
    {
        var store = await OpenAsync();
        await store.CreateTaskAsync(Spec("kept"), Ct);
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenAsync()));
        Assert.All(again, s => Assert.NotNull(s.GetTaskAsync("kept", Ct).Result));
    }

    [StoreFact]
    public async Task Listing_lease_is_held_by_one_agent_at_a_time()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await a.CreateTaskAsync(Spec("t"), Ct);
        var leases = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).TryAcquireListingAsync(task.Id, $"agent{i}", Long, Ct)));
        Assert.Single(leases, l => l is not null);
        var winner = $"agent{Array.FindIndex(leases, l => l is not null)}";
        Assert.NotNull(await b.TryAcquireListingAsync(task.Id, winner, Long, Ct)); // the holder keeps it
        Assert.Null(await b.TryAcquireListingAsync(task.Id, "late", Long, Ct));
        Assert.Equal(MigrationTaskState.Running, (await a.GetTaskAsync(task.Id, Ct))!.State);
    }

    [StoreFact]
    public async Task An_expired_listing_lease_is_taken_over_and_resumes_from_the_cursor()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await a.CreateTaskAsync(Spec("t"), Ct);
        Assert.NotNull(await a.TryAcquireListingAsync(task.Id, "master", Short, Ct));
        var first = Objects(0, 10);
        await a.AppendSegmentAsync(task.Id, "master", first, null, first[^1].Key, false, Ct);
        Assert.Null(await b.TryAcquireListingAsync(task.Id, "worker", Short, Ct));

        await Task.Delay(PastShort); // the master stops heartbeating
        var lease = await b.TryAcquireListingAsync(task.Id, "worker", Long, Ct);
        Assert.NotNull(lease);
        Assert.Equal("k00009", lease.Cursor);
        Assert.Equal(1, lease.NextSegmentSeq);

        await Assert.ThrowsAsync<LeaseLostException>(() => a.AppendSegmentAsync(task.Id, "master", Objects(10, 5), null, "k00014", false, Ct));
        var rest = Objects(10, 10);
        await b.AppendSegmentAsync(task.Id, "worker", rest, null, rest[^1].Key, true, Ct);
        var status = await a.GetStatusAsync(task.Id, Ct);
        Assert.True(status.ListingComplete);
        Assert.Equal(20, status.Total);
        Assert.Equal(2, status.SegmentsTotal);
        Assert.Null(await a.TryAcquireListingAsync(task.Id, "master", Long, Ct)); // nothing left to list
    }

    [StoreFact]
    public async Task Heartbeats_keep_leases_alive()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await ListedTaskAsync(a, "t", 1, 5);
        var other = await a.CreateTaskAsync(Spec("u"), Ct);
        Assert.NotNull(await a.TryAcquireListingAsync(other.Id, "alive", Short, Ct));
        Assert.NotNull(await a.ClaimSegmentAsync(task.Id, "alive", Short, Ct));
        var me = new AgentRegistration("alive", "10.0.0.1", "host", 1, DateTimeOffset.UtcNow);
        // Beats spaced shorter than the first lease, each extending it: well past the first lease, still held.
        for (var i = 0; i < 4; i++)
        {
            await a.HeartbeatAsync(me, TimeSpan.FromSeconds(3), Ct);
            await Task.Delay(Short * 0.75);
        }
        Assert.Null(await b.ClaimSegmentAsync(task.Id, "other", Long, Ct));
        Assert.Null(await b.TryAcquireListingAsync(other.Id, "other", Long, Ct));
    }

    [StoreFact]
    public async Task Parallel_claimers_each_get_a_different_segment_and_every_segment_once()
    {
        var setup = await OpenAsync();
        var task = await ListedTaskAsync(setup, "t", 60, 3);
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OpenAsync()));
        var claims = new ConcurrentBag<(string Agent, long Segment)>();
        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, 3).Select(t => Task.Run(async () =>
        {
            var agent = $"agent{s}-{t}";
            while (await store.ClaimSegmentAsync(task.Id, agent, Long, Ct) is { } claim)
                claims.Add((agent, claim.SegmentId));
        }))));
        Assert.Equal(60, claims.Count);
        Assert.Equal(60, claims.Select(c => c.Segment).Distinct().Count());
    }

    [StoreFact]
    public async Task An_expired_segment_lease_is_claimed_again_and_the_old_holder_cannot_complete_it()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await ListedTaskAsync(a, "t", 1, 4);
        var first = await a.ClaimSegmentAsync(task.Id, "dead", Short, Ct);
        Assert.NotNull(first);
        Assert.Null(await b.ClaimSegmentAsync(task.Id, "alive", Long, Ct));
        await Task.Delay(PastShort);
        var second = await b.ClaimSegmentAsync(task.Id, "alive", Long, Ct);
        Assert.Equal(first.SegmentId, second?.SegmentId);

        var pending = await b.GetPendingObjectsAsync(second!, Ct);
        await b.RecordOutcomesAsync(pending.Select(o => Outcome(o, ObjectOutcome.Succeeded)).ToList(), Ct);
        await a.CompleteSegmentAsync(first.SegmentId, "dead", Ct); // no longer its segment: no effect
        Assert.Equal(0, (await a.GetStatusAsync(task.Id, Ct)).SegmentsDone);
        await b.CompleteSegmentAsync(second!.SegmentId, "alive", Ct);
        Assert.Equal(1, (await a.GetStatusAsync(task.Id, Ct)).SegmentsDone);
    }

    [StoreFact]
    public async Task An_outcome_is_counted_once_even_when_two_agents_record_it()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await ListedTaskAsync(a, "t", 1, 3);
        var claim = await a.ClaimSegmentAsync(task.Id, "a", Long, Ct);
        var pending = await a.GetPendingObjectsAsync(claim!, Ct);
        Assert.Equal(3, pending.Count);
        Assert.Equal((ulong)1, pending[1].SourceCrc64);
        await a.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Succeeded)], Ct);
        await b.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Succeeded), Outcome(pending[1], ObjectOutcome.Skipped)], Ct);
        await a.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Failed, "late"), Outcome(pending[1], ObjectOutcome.Succeeded)], Ct);
        var status = await a.GetStatusAsync(task.Id, Ct);
        Assert.Equal(1, status.Succeeded);
        Assert.Equal(1, status.Skipped);
        Assert.Equal(0, status.Failed);
        Assert.Equal(1, status.Pending);
        Assert.Equal(100, status.TransferredBytes);
        Assert.Single(await a.GetPendingObjectsAsync(claim!, Ct));
    }

    [StoreFact]
    public async Task A_segment_completes_only_without_pending_objects_and_the_task_finishes_after_the_listing()
    {
        var store = await OpenAsync();
        var task = await store.CreateTaskAsync(Spec("t"), Ct);
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "m", Long, Ct));
        await store.AppendSegmentAsync(task.Id, "m", Objects(0, 2), null, "k00001", false, Ct);

        var claim = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        var pending = await store.GetPendingObjectsAsync(claim, Ct);
        await store.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Succeeded)], Ct);
        await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct); // one object unrecorded: handed back
        Assert.Equal(0, (await store.GetStatusAsync(task.Id, Ct)).SegmentsDone);
        claim = (await store.ClaimSegmentAsync(task.Id, "w2", Long, Ct))!;
        pending = await store.GetPendingObjectsAsync(claim, Ct);
        Assert.Single(pending);
        await store.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Succeeded)], Ct);
        await store.CompleteSegmentAsync(claim.SegmentId, "w2", Ct);
        Assert.Equal(MigrationTaskState.Running, await store.TryFinishTaskAsync(task.Id, Ct)); // listing not done

        await store.AppendSegmentAsync(task.Id, "m", Objects(2, 1), null, "k00002", true, Ct);
        Assert.Equal(MigrationTaskState.Running, await store.TryFinishTaskAsync(task.Id, Ct)); // a segment open
        claim = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        pending = await store.GetPendingObjectsAsync(claim, Ct);
        await store.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Failed, "denied")], Ct);
        await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        Assert.Equal(MigrationTaskState.CompletedWithFailures, await store.TryFinishTaskAsync(task.Id, Ct));
        Assert.Equal(MigrationTaskState.CompletedWithFailures, await store.TryFinishTaskAsync(task.Id, Ct));
        Assert.NotNull((await store.GetTaskAsync(task.Id, Ct))!.FinishedAt);
        Assert.Null(await store.ClaimSegmentAsync(task.Id, "w", Long, Ct));
    }

    [StoreFact]
    public async Task Released_agents_give_back_their_leases_at_once_and_show_as_stopped()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var task = await ListedTaskAsync(a, "t", 2, 2);
        var other = await a.CreateTaskAsync(Spec("u"), Ct);
        await a.HeartbeatAsync(new AgentRegistration("quitter", null, "h", 1, DateTimeOffset.UtcNow), Long, Ct);
        Assert.NotNull(await a.ClaimSegmentAsync(task.Id, "quitter", Long, Ct));
        Assert.NotNull(await a.TryAcquireListingAsync(other.Id, "quitter", Long, Ct));
        await a.ReleaseAgentAsync("quitter", Ct);
        Assert.NotNull(await b.ClaimSegmentAsync(task.Id, "stayer", Long, Ct));
        Assert.NotNull(await b.ClaimSegmentAsync(task.Id, "stayer", Long, Ct));
        Assert.NotNull(await b.TryAcquireListingAsync(other.Id, "stayer", Long, Ct));
        var quitter = Assert.Single(await b.ListAgentsAsync(Long, Ct));
        Assert.False(quitter.IsAlive);
        Assert.Equal(AgentState.Stopped, quitter.State);
        Assert.Equal(0, quitter.SegmentsInFlight);
    }

    [StoreFact]
    public async Task Agents_show_their_roles_per_task_and_recent_throughput()
    {
        var store = await OpenAsync();
        var copying = await ListedTaskAsync(store, "copying", 3, 2);
        var listing = await store.CreateTaskAsync(Spec("listing", "10.0.0.9"), Ct);
        var now = DateTimeOffset.UtcNow;
        await store.HeartbeatAsync(new AgentRegistration("master", "10.0.0.9", "h1", 1, now) { ObjectsPerSecond = 12.5, BytesPerSecond = 1000 }, Long, Ct);
        await store.HeartbeatAsync(new AgentRegistration("worker", "10.0.0.10", "h2", 2, now), Long, Ct);
        await store.HeartbeatAsync(new AgentRegistration("gone", "10.0.0.11", "h3", 3, now), Short, Ct);
        Assert.NotNull(await store.ClaimSegmentAsync(copying.Id, "worker", Long, Ct));
        Assert.NotNull(await store.ClaimSegmentAsync(copying.Id, "worker", Long, Ct));
        Assert.NotNull(await store.ClaimSegmentAsync(copying.Id, "master", Long, Ct));
        Assert.Equal(2, await store.CountWorkingAgentsAsync(copying.Id, Long, Ct));
        Assert.Equal(1, await store.CountWorkingAgentsAsync(listing.Id, Long, Ct)); // never 0: a share is limit / count
        await Task.Delay(PastShort); // "gone" stops beating; the others beat on
        await store.HeartbeatAsync(new AgentRegistration("master", "10.0.0.9", "h1", 1, now) { ObjectsPerSecond = 12.5, BytesPerSecond = 1000 }, Long, Ct);
        await store.HeartbeatAsync(new AgentRegistration("worker", "10.0.0.10", "h2", 2, now), Long, Ct);

        var agents = (await store.ListAgentsAsync(PastShort * 0.8, Ct)).ToDictionary(a => a.Name);
        var master = agents["master"];
        Assert.Equal(AgentState.Alive, master.State);
        Assert.Equal(12.5, master.ObjectsPerSecond);
        Assert.Contains(master.Tasks, r => r.TaskName == "listing" && r.Role == AgentRole.Master);
        Assert.Contains(master.Tasks, r => r.TaskName == "copying" && r.Role == AgentRole.Worker && r.SegmentsInFlight == 1);
        var worker = agents["worker"];
        Assert.Equal(2, worker.SegmentsInFlight);
        Assert.Equal(AgentRole.Worker, Assert.Single(worker.Tasks).Role);
        Assert.Equal(AgentState.Lost, agents["gone"].State);
        Assert.Equal(0, agents["gone"].ObjectsPerSecond);
    }

    [StoreFact]
    public async Task Status_counts_objects_bytes_and_segments()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 3, 4);
        var claim = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        var pending = await store.GetPendingObjectsAsync(claim, Ct);
        await store.RecordOutcomesAsync([Outcome(pending[0], ObjectOutcome.Succeeded), Outcome(pending[1], ObjectOutcome.Succeeded),
            Outcome(pending[2], ObjectOutcome.Skipped), Outcome(pending[3], ObjectOutcome.Failed, "boom")], Ct);
        await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        var s = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal(("t", MigrationTaskState.Running, true), (s.TaskName, s.State, s.ListingComplete));
        Assert.Equal((12L, 2L, 1L, 1L, 8L), (s.Total, s.Succeeded, s.Skipped, s.Failed, s.Pending));
        Assert.Equal((1200L, 200L), (s.TotalBytes, s.TransferredBytes));
        Assert.Equal((3, 1), (s.SegmentsTotal, s.SegmentsDone));
        var e = await Assert.ThrowsAsync<MigrationException>(() => store.GetStatusAsync(task.Id + 1000, Ct));
        Assert.Equal("TaskNotFound", e.ErrorId);
    }

    [StoreFact]
    public async Task Failed_objects_are_read_in_pages_in_key_order()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 3, 1000);
        while (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct) is { } claim)
        {
            var pending = await store.GetPendingObjectsAsync(claim, Ct);
            await store.RecordOutcomesAsync(pending.Select((o, i) => Outcome(o, i % 3 == 0 ? ObjectOutcome.Succeeded : ObjectOutcome.Failed, $"err {o.Key}")
                with { Reason = ReasonFor(o.Key) }).ToList(), Ct);
        }
        var failed = new List<FailedObject>();
        await foreach (var f in store.GetFailedObjectsAsync(task.Id, Ct)) failed.Add(f);
        var status = await store.GetStatusAsync(task.Id, Ct);
        Assert.True(status.Failed > 1000, "more than one page");
        // Archived objects are failures counted apart: the export lists both.
        Assert.Equal(status.Failed + status.Archived, failed.Count);
        Assert.Equal(failed.Count(f => f.Reason == FailureReason.SourceArchived), status.Archived);
        Assert.True(status.Archived > 0);
        Assert.Equal(failed.Select(f => f.Key).Order(StringComparer.Ordinal), failed.Select(f => f.Key));
        Assert.Equal(failed.Count, failed.Select(f => f.Key).Distinct().Count());
        Assert.All(failed, f => Assert.Equal(("t", $"err {f.Key}", 1, ReasonFor(f.Key)), (f.TaskName, f.Error, f.Attempts, f.Reason)));
        Assert.Equal(3, failed.Select(f => f.Reason).Distinct().Count());
    }

    private static FailureReason ReasonFor(string key) =>
        (key[^1] % 3) switch { 0 => FailureReason.NotFound, 1 => FailureReason.Throttled, _ => FailureReason.SourceArchived };

    [StoreFact]
    public async Task Keys_are_ordered_and_ranged_by_their_utf8_bytes()
    {
        var store = await OpenAsync();
        var task = await store.CreateTaskAsync(Spec("t"), Ct);
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "m", Long, Ct));
        string[] keys = ["B", "a", "a b", "a-b", "a/b", "ab", "Z", "é", "z", "~", "中", "😀", "A\u00ADb", "a\u0301"];
        var sorted = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();
        var objects = sorted.Select(k => new ObjectInfo(k, 1, DateTimeOffset.UnixEpoch)).ToList();
        // Two segments split in the middle: each must get exactly its own keys back.
        await store.AppendSegmentAsync(task.Id, "m", objects[..7], null, objects[6].Key, false, Ct);
        await store.AppendSegmentAsync(task.Id, "m", objects[7..], null, objects[^1].Key, true, Ct);
        var first = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        var second = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        Assert.Equal(sorted[..7], (await store.GetPendingObjectsAsync(first, Ct)).Select(o => o.Key));
        Assert.Equal(sorted[7..], (await store.GetPendingObjectsAsync(second, Ct)).Select(o => o.Key));
    }

    /// <summary>Claims every segment of a task and records one outcome for all its objects.</summary>
    private async Task RunAllAsync(IControlPlane store, MigrationTask task, Func<PendingObject, ObjectOutcome> outcome)
    {
        while (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct) is { } claim)
        {
            var pending = await store.GetPendingObjectsAsync(claim, Ct);
            await store.RecordOutcomesAsync(pending.Select(o => Outcome(o, outcome(o), outcome(o) == ObjectOutcome.Failed ? "boom" : null)).ToList(), Ct);
            await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        }
        await store.TryFinishTaskAsync(task.Id, Ct);
    }

    [StoreFact]
    public async Task Retry_failed_queues_only_the_failed_objects()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 3, 4);
        await RunAllAsync(store, task, o => o.Key is "k00001" or "k00009" ? ObjectOutcome.Failed : ObjectOutcome.Succeeded);
        Assert.Equal(MigrationTaskState.CompletedWithFailures, (await store.GetTaskAsync(task.Id, Ct))!.State);

        Assert.Equal(2, await store.RetryFailedAsync(task.Id, Ct));
        var pending = new List<string>();
        while (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct) is { } claim)
        {
            var objects = await store.GetPendingObjectsAsync(claim, Ct);
            pending.AddRange(objects.Select(o => o.Key));
            await store.RecordOutcomesAsync(objects.Select(o => Outcome(o, ObjectOutcome.Succeeded)).ToList(), Ct);
            await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        }
        Assert.Equal(["k00001", "k00009"], pending);
        Assert.Equal(MigrationTaskState.Completed, await store.TryFinishTaskAsync(task.Id, Ct));
        var status = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((12L, 12L, 0L), (status.Total, status.Succeeded, status.Failed));
    }

    [StoreFact]
    public async Task Requeue_failed_queues_only_the_named_failed_objects_and_says_what_waits()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 3, 4);
        string[] failed = ["k00001", "k00005", "k00009"];
        while (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct) is { } claim)
        {
            var objects = await store.GetPendingObjectsAsync(claim, Ct);
            await store.RecordOutcomesAsync(objects.Select(o => Outcome(o, failed.Contains(o.Key) ? ObjectOutcome.Failed : ObjectOutcome.Succeeded)).ToList(), Ct);
            await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        }

        // k00002 succeeded and "nope" is not in the journal: neither is queued.
        Assert.Equal(2, await store.RequeueFailedAsync(task.Id, ["k00001", "k00009", "k00002", "nope"], "1 waits", Ct));
        var held = (await store.GetTaskAsync(task.Id, Ct))!;
        Assert.Equal((MigrationTaskState.Running, "1 waits"), (held.State, held.StateReason));
        var pending = new List<string>();
        while (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct) is { } claim)
        {
            var objects = await store.GetPendingObjectsAsync(claim, Ct);
            pending.AddRange(objects.Select(o => o.Key));
            await store.RecordOutcomesAsync(objects.Select(o => Outcome(o, ObjectOutcome.Succeeded)).ToList(), Ct);
            await store.CompleteSegmentAsync(claim.SegmentId, "w", Ct);
        }
        Assert.Equal(["k00001", "k00009"], pending);
        await store.RequeueFailedAsync(task.Id, [], null, Ct);
        Assert.Equal(MigrationTaskState.CompletedWithFailures, await store.TryFinishTaskAsync(task.Id, Ct));
        var status = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((11L, 1L, (string?)null), (status.Succeeded, status.Failed, status.StateReason));
    }

    [StoreFact]
    public async Task A_secondary_pass_queues_only_new_changed_or_failed_objects()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 2, 5);
        await RunAllAsync(store, task, o => o.Key == "k00003" ? ObjectOutcome.Failed : ObjectOutcome.Succeeded);

        Assert.Equal(2, await store.StartIncrementalPassAsync(task.Id, Ct));
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "lister", Long, Ct));
        var relisted = Objects(0, 11); // k00010 is new
        relisted[7] = relisted[7] with { Size = 999 }; // k00007 changed
        var queued = await store.AppendSegmentAsync(task.Id, "lister", relisted, null, relisted[^1].Key, true, Ct);
        Assert.Equal(3, queued);
        var claim = (await store.ClaimSegmentAsync(task.Id, "w", Long, Ct))!;
        Assert.Equal(["k00003", "k00007", "k00010"], (await store.GetPendingObjectsAsync(claim, Ct)).Select(o => o.Key));
        var status = await store.GetStatusAsync(task.Id, Ct);
        Assert.Equal((2, 3L, 11L), (status.Pass, status.ChangedInPass, status.Total));
    }

    [StoreFact]
    public async Task Transitions_happen_only_from_the_allowed_states()
    {
        var store = await OpenAsync();
        var task = await store.CreateTaskAsync(Spec("t"), Ct);
        Assert.True(await store.TransitionAsync(task.Id, [MigrationTaskState.Pending, MigrationTaskState.Running], MigrationTaskState.Paused, Ct));
        Assert.Null(await store.TryAcquireListingAsync(task.Id, "m", Long, Ct)); // a paused task is left alone
        Assert.False(await store.TransitionAsync(task.Id, [MigrationTaskState.Pending, MigrationTaskState.Running], MigrationTaskState.Paused, Ct));
        Assert.True(await store.TransitionAsync(task.Id, [MigrationTaskState.Paused], MigrationTaskState.Running, Ct));
        Assert.Equal(MigrationTaskState.Running, (await store.GetTaskAsync(task.Id, Ct))!.State);
    }

    [StoreFact]
    public async Task Options_round_trip_and_a_removed_task_leaves_nothing()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store, "t", 1, 3);
        var options = new MigrationTaskSettings { QpsLimit = 5, BandwidthLimit = 1000, Include = ["*.jpg"], TimeWindow = "21:00-06:00" };
        await store.UpdateOptionsAsync(task.Id, SameNamePolicy.Skip, options, Ct);
        var read = (await store.GetTaskAsync(task.Id, Ct))!;
        Assert.Equal((5.0, 1000L, "21:00-06:00", SameNamePolicy.Skip), (read.QpsLimit, read.BandwidthLimit, read.TimeWindow, read.SameNamePolicy));
        Assert.Equal(["*.jpg"], read.Include);
        await store.DeleteTaskAsync(task.Id, Ct);
        Assert.Null(await store.GetTaskAsync(task.Id, Ct));
        var again = await ListedTaskAsync(store, "t", 1, 3); // the name and the keys are free again
        Assert.Equal(3, (await store.GetStatusAsync(again.Id, Ct)).Total);
    }
}
