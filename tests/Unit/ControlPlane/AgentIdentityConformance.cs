using MspMigration.Engine.Platform;
using System.Diagnostics;
using MspMigration.Engine.Agent;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// An agent is one process: pid, process start time and the host's boot id travel with every
/// heartbeat, so a restarted agent can tell a dead predecessor (take its name over at once) from a
/// live one (refused). Segments leased to an agent that it is not working on go back. Every store.
/// </summary>
public abstract class AgentIdentityConformance : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private readonly ITestDatabase _database;
    private readonly List<IControlPlane> _opened = [];
    private static CancellationToken Ct => CancellationToken.None;

    protected AgentIdentityConformance(ITestDatabase database) => _database = database;

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        _database.Dispose();
    }

    private async Task<IControlPlane> OpenAsync()
    {
        var store = _database.Open();
        _opened.Add(store);
        await store.InitializeAsync(Ct);
        return store;
    }

    private static AgentRegistration Me(string name, int pid, long? start, string? boot) =>
        new(name, null, Environment.MachineName, pid, DateTimeOffset.UtcNow) { ProcessStart = start, BootId = boot };

    [StoreFact]
    public async Task Process_start_and_boot_id_are_recorded_and_updated_with_each_heartbeat()
    {
        var store = await OpenAsync();
        await store.HeartbeatAsync(Me("a", 10, 123456789012L, "0f1e2d3c-aaaa-bbbb-cccc-000000000001"), Long, Ct);
        await store.HeartbeatAsync(Me("b", 11, null, null), Long, Ct);
        var agents = await store.ListAgentsAsync(Long, Ct);
        Assert.Equal(123456789012L, agents.Single(x => x.Name == "a").ProcessStart);
        Assert.Equal("0f1e2d3c-aaaa-bbbb-cccc-000000000001", agents.Single(x => x.Name == "a").BootId);
        Assert.Null(agents.Single(x => x.Name == "b").ProcessStart);
        Assert.Null(agents.Single(x => x.Name == "b").BootId);

        await store.HeartbeatAsync(Me("a", 12, 99L, "another-boot"), Long, Ct);
        var a = (await store.ListAgentsAsync(Long, Ct)).Single(x => x.Name == "a");
        Assert.Equal((12, 99L, "another-boot"), (a.ProcessId, a.ProcessStart, a.BootId));
    }

    [StoreFact]
    public async Task A_restarted_agent_takes_over_a_dead_predecessors_name_and_leases_at_once()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store);
        // The predecessor: this host, a pid that runs but started at another time (a reused pid).
        var me = Process.GetCurrentProcess().Id;
        var stale = Me("phoenix", me == 1 ? 2 : 1, 1L, ProcessIdentity.BootId());
        await store.HeartbeatAsync(stale, Long, Ct);
        Assert.NotNull(await store.ClaimSegmentAsync(task.Id, "phoenix", Long, Ct));

        var successor = Me("phoenix", Environment.ProcessId, ProcessIdentity.StartTime(Environment.ProcessId), ProcessIdentity.BootId());
        await AgentNameTakeover.TakeOverAsync(store, successor, Long, Ct);
        // Its segment is free again at once, long before the lease would have run out.
        Assert.NotNull(await store.ClaimSegmentAsync(task.Id, "other", Long, Ct));
    }

    [StoreFact]
    public async Task A_predecessor_from_an_earlier_boot_is_gone()
    {
        var store = await OpenAsync();
        await store.HeartbeatAsync(Me("phoenix", Environment.ProcessId + 1, 5L, "a-boot-long-ago"), Long, Ct);
        var successor = Me("phoenix", Environment.ProcessId, ProcessIdentity.StartTime(Environment.ProcessId), "this-boot");
        await AgentNameTakeover.TakeOverAsync(store, successor, Long, Ct);
        Assert.False((await store.ListAgentsAsync(Long, Ct)).Single().IsAlive);
    }

    [StoreFact]
    public async Task A_live_predecessor_keeps_its_name()
    {
        var store = await OpenAsync();
        // A process that runs: a child started here, registered with its real start time.
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var live = Me("taken", child.Id, ProcessIdentity.StartTime(child.Id), ProcessIdentity.BootId());
            await store.HeartbeatAsync(live, Long, Ct);
            var newcomer = Me("taken", Environment.ProcessId, ProcessIdentity.StartTime(Environment.ProcessId), ProcessIdentity.BootId());
            var e = await Assert.ThrowsAsync<MigrationException>(() => AgentNameTakeover.TakeOverAsync(store, newcomer, Long, Ct));
            Assert.Equal("AgentNameInUse", e.ErrorId);
        }
        finally
        {
            child.Kill();
        }
    }

    [StoreFact]
    public async Task Segments_an_agent_does_not_work_on_are_given_back()
    {
        var store = await OpenAsync();
        var task = await ListedTaskAsync(store);
        var worked = await store.ClaimSegmentAsync(task.Id, "me", Long, Ct);
        var lost = await store.ClaimSegmentAsync(task.Id, "me", Long, Ct); // its reply "never arrived"
        var theirs = await store.ClaimSegmentAsync(task.Id, "them", Long, Ct);
        Assert.NotNull(worked);
        Assert.NotNull(lost);
        Assert.NotNull(theirs);

        Assert.Equal(1, await store.ReleaseSegmentsNotWorkedOnAsync("me", [worked.SegmentId], Ct));
        var again = await store.ClaimSegmentAsync(task.Id, "other", Long, Ct);
        Assert.Equal(lost.SegmentId, again?.SegmentId);
        Assert.Null(await store.ClaimSegmentAsync(task.Id, "other", Long, Ct));
        // Working on nothing: everything it holds goes back.
        Assert.Equal(1, await store.ReleaseSegmentsNotWorkedOnAsync("me", [], Ct));
        Assert.Equal(worked.SegmentId, (await store.ClaimSegmentAsync(task.Id, "other", Long, Ct))?.SegmentId);
    }

    /// <summary>A listed task with three segments of two objects.</summary>
    private static async Task<MigrationTask> ListedTaskAsync(IControlPlane store)
    {
        var task = await store.CreateTaskAsync(new TaskSpec("t", "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, null,
            new MigrationTaskSettings()), Ct);
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "lister", Long, Ct));
        for (var i = 0; i < 3; i++)
        {
            var objects = Enumerable.Range(i * 2, 2).Select(n => new ObjectInfo($"k{n:D3}", 1, DateTimeOffset.UnixEpoch)).ToList();
            await store.AppendSegmentAsync(task.Id, "lister", objects, null, objects[^1].Key, i == 2, Ct);
        }
        return task;
    }
}

public sealed class SqliteAgentIdentityConformance() : AgentIdentityConformance(new SqliteTestDatabase());

[RequiresPostgres]
public sealed class PostgresAgentIdentityConformance() : AgentIdentityConformance(new PostgresTestDatabase());
