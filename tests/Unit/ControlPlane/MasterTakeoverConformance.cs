using System.Collections.Concurrent;
using MspMigration.Engine.Agent;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// A master that dies in the middle of a listing: its listing lease expires and another agent
/// resumes from the checkpointed cursor, neither losing nor listing an object twice. Runs the
/// real ListingJob over a local directory, on every store.
/// </summary>
public abstract class MasterTakeoverConformance : IDisposable
{
    private const int Objects = 40;
    private readonly ITestDatabase _database;
    private readonly string _source = Path.Combine(Path.GetTempPath(), "msp-takeover-" + Guid.NewGuid().ToString("N")[..10]);

    protected MasterTakeoverConformance(ITestDatabase database)
    {
        _database = database;
        Directory.CreateDirectory(_source);
        for (var i = 0; i < Objects; i++) File.WriteAllText(Path.Combine(_source, $"f{i:D2}"), $"object {i}");
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_source, true);
    }

    [StoreFact]
    public async Task A_successor_resumes_a_dead_masters_listing_from_its_checkpoint()
    {
        var ct = CancellationToken.None;
        using var masterStore = _database.Open();
        using var successorStore = _database.Open();
        await masterStore.InitializeAsync(ct);
        await successorStore.InitializeAsync(ct);
        var task = await masterStore.CreateTaskAsync(new TaskSpec("t", "local://" + _source, null, "local:///unused-destination", null,
            SameNamePolicy.Overwrite, "master", new MigrationTaskSettings()), ct);
        // 20 pages of 2 objects, cut into segments of 4.
        var config = new AgentConfig { LeaseDuration = TimeSpan.FromSeconds(3), ListPageSize = 2, SegmentObjects = 4 };
        await using var runtime = TaskRuntime.Open(task, config, _ => { });

        using (var crash = new CancellationTokenSource())
        {
            // The "crash": the master stops dead after its second segment, without giving its lease back.
            var stored = 0;
            var master = new ListingJob(masterStore, "master", config, new RecordingObserver(), () => { if (++stored == 2) crash.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => master.RunAsync(runtime, () => true, crash.Token));
            // Its last heartbeat, just before it died: the lease runs from here.
            await masterStore.HeartbeatAsync(new AgentRegistration("master", null, "host", 1, DateTimeOffset.UtcNow), config.LeaseDuration, ct);
        }
        var atCrash = await masterStore.GetStatusAsync(task.Id, ct);
        Assert.InRange(atCrash.SegmentsTotal, 1, Objects / 4 - 1);
        Assert.False(atCrash.ListingComplete);

        var observer = new RecordingObserver();
        var successor = new ListingJob(successorStore, "successor", config, observer);
        Assert.False(await successor.RunAsync(runtime, () => true, ct)); // the dead master's lease has not expired yet
        await Task.Delay(config.LeaseDuration + TimeSpan.FromMilliseconds(500));
        Assert.True(await successor.RunAsync(runtime, () => true, ct));
        Assert.Contains(observer.Messages, m => m.StartsWith("Resuming the listing", StringComparison.Ordinal));

        var final = await successorStore.GetStatusAsync(task.Id, ct);
        Assert.True(final.ListingComplete);
        Assert.Equal(Objects, final.Total);
        Assert.Equal(Objects / 4, final.SegmentsTotal);
        var keys = new List<string>();
        while (await successorStore.ClaimSegmentAsync(task.Id, "w", TimeSpan.FromMinutes(1), ct) is { } claim)
            keys.AddRange((await successorStore.GetPendingObjectsAsync(claim, ct)).Select(o => o.Key));
        Assert.Equal(Enumerable.Range(0, Objects).Select(i => $"f{i:D2}"), keys);
    }

    private sealed class RecordingObserver : IEngineOutput
    {
        public ConcurrentQueue<string> Messages { get; } = new();
        public void Info(string message) => Messages.Enqueue(message);
        public void Warning(string message) => Messages.Enqueue(message);
    }
}

[Collection(LeaseTimingCollection.Name)]
public sealed class SqliteMasterTakeover() : MasterTakeoverConformance(new SqliteTestDatabase());

[RequiresPostgres, Collection(LeaseTimingCollection.Name)]
public sealed class PostgresMasterTakeover() : MasterTakeoverConformance(new PostgresTestDatabase());
