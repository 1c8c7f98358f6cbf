using System.Diagnostics;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Bench;

/// <summary>Listing ingest, segment claims and outcomes per second, with K workers of their own store each.</summary>
internal static class ThroughputBench
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(30);
    private const int SegmentSize = 1000;

    public static async Task RunAsync(BenchDatabase db, int workers, int count, int batch)
    {
        var ct = CancellationToken.None;
        var stores = new IControlPlane[workers];
        for (var i = 0; i < workers; i++)
        {
            stores[i] = db.Open();
            await stores[i].InitializeAsync(ct);
        }
        var lister = stores[0];
        var task = await lister.CreateTaskAsync(new TaskSpec("bench", "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, null,
            new MigrationTaskSettings()), ct);

        // Listing: one lister under the listing lease, one segment per listed page, as the master does.
        var clock = Stopwatch.StartNew();
        if (await lister.TryAcquireListingAsync(task.Id, "lister", Lease, ct) is null) throw new InvalidOperationException("no listing lease");
        string? after = null;
        for (var from = 0; from < count; from += SegmentSize)
        {
            var page = Enumerable.Range(from, Math.Min(SegmentSize, count - from))
                .Select(i => new ObjectInfo($"photos/2024/{i / 10000:D5}/{i:D9}.jpg", 100_000 + i, DateTimeOffset.UnixEpoch.AddSeconds(i), $"\"{i:x8}\""))
                .ToList();
            await lister.AppendSegmentAsync(task.Id, "lister", page, after, page[^1].Key, from + SegmentSize >= count, ct);
            after = page[^1].Key;
        }
        var ingest = clock.Elapsed;

        // Claims: every worker claims until none is left.
        clock.Restart();
        var claimed = await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            var mine = new List<SegmentClaim>();
            while (await store.ClaimSegmentAsync(task.Id, $"agent{w}", Lease, ct) is { } claim) mine.Add(claim);
            return mine;
        })));
        var claims = clock.Elapsed;
        var segments = claimed.Sum(c => c.Count);

        // Outcomes: each worker works its segments; one outcome in 50 fails, as a busy run might.
        clock.Restart();
        var recorded = await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            long n = 0;
            foreach (var claim in claimed[w])
            {
                var pending = await store.GetPendingObjectsAsync(claim, ct);
                for (var i = 0; i < pending.Count; i += batch)
                {
                    var records = pending.Skip(i).Take(batch).Select((o, j) => (i + j) % 50 == 0
                        ? new ObjectOutcomeRecord(o.TaskId, o.SegmentId, o.Key, ObjectOutcome.Failed, 0, null, 3, "HTTP 503")
                        : new ObjectOutcomeRecord(o.TaskId, o.SegmentId, o.Key, ObjectOutcome.Succeeded, o.Size, 0x1234, 1, null,
                            new ObjectInfo(o.Key, o.Size, o.LastModified, o.ETag))).ToList();
                    await store.RecordOutcomesAsync(records, ct);
                    n += records.Count;
                }
                await store.CompleteSegmentAsync(claim.SegmentId, $"agent{w}", ct);
            }
            return n;
        })));
        var outcomes = clock.Elapsed;

        var status = await lister.GetStatusAsync(task.Id, ct);
        if (status.Total != count || status.Pending != 0 || recorded.Sum() != count || segments != (count + SegmentSize - 1) / SegmentSize)
            throw new InvalidOperationException($"inconsistent run: total {status.Total}, pending {status.Pending}, recorded {recorded.Sum()}, segments {segments}");
        if ((await lister.RecountAsync(task.Id, ct)).Count > 0) throw new InvalidOperationException("counters differ from the journal");
        Console.WriteLine($"RESULT store={(db.IsPostgres ? "postgres" : "sqlite")} workers={workers} objects={count} batch={batch} " +
            $"ingest_rows_per_s={count / ingest.TotalSeconds:F0} claims_per_s={segments / claims.TotalSeconds:F0} " +
            $"outcomes_per_s={count / outcomes.TotalSeconds:F0} journal_bytes_per_object={JournalBytes(db) / count}");
        foreach (var store in stores) store.Dispose();
    }

    /// <summary>The journal with its indexes (PostgreSQL), or the whole database file (SQLite: the journal is nearly all of it).</summary>
    private static long JournalBytes(BenchDatabase db)
    {
        using var c = db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = db.IsPostgres ? "SELECT pg_total_relation_size('objects')" : "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
