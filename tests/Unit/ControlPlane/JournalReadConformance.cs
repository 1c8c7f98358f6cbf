using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// The journal as a consistency check reads it: segment boundaries in key order and journal rows
/// by key range (open or closed at either end), in UTF-8 key order, with what each outcome recorded.
/// Every store.
/// </summary>
public abstract class JournalReadConformance(ITestDatabase database) : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static CancellationToken Ct => CancellationToken.None;
    private readonly List<IControlPlane> _opened = [];

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        database.Dispose();
    }

    [StoreFact]
    public async Task Reads_boundaries_and_journal_rows_by_key_range_with_outcomes()
    {
        var store = database.Open();
        _opened.Add(store);
        await store.InitializeAsync(Ct);
        var task = await store.CreateTaskAsync(new TaskSpec("j", "local:///src", null, "local:///dst", null, SameNamePolicy.Overwrite, null,
            new MigrationTaskSettings()), Ct);
        Assert.NotNull(await store.TryAcquireListingAsync(task.Id, "lister", Long, Ct));
        // Keys whose UTF-16 and UTF-8 orders differ ("\uFF21" sorts before "😀" in UTF-8 only).
        string[][] segments = [["a", "b", "c"], ["d", "e\uFF21", "e😀"], ["f"]];
        for (var i = 0; i < segments.Length; i++)
        {
            var objects = segments[i].Select(k => new ObjectInfo(k, 10, DateTimeOffset.FromUnixTimeSeconds(1000), "\"etag-" + k + "\"", 7)).ToList();
            await store.AppendSegmentAsync(task.Id, "lister", objects, null, objects[^1].Key, i == segments.Length - 1, Ct);
        }
        Assert.Equal(["c", "e😀", "f"], await store.GetSegmentBoundariesAsync(task.Id, Ct));

        var claim = await store.ClaimSegmentAsync(task.Id, "w", Long, Ct);
        await store.RecordOutcomesAsync([
            new ObjectOutcomeRecord(task.Id, claim!.SegmentId, "a", ObjectOutcome.Succeeded, 12, 99, 1, null,
                new ObjectInfo("a", 12, DateTimeOffset.FromUnixTimeSeconds(2000), "\"copied\"")),
            new ObjectOutcomeRecord(task.Id, claim.SegmentId, "b", ObjectOutcome.Failed, 0, null, 3, "denied"),
        ], Ct);

        var all = await store.GetJournalAsync(task.Id, null, null, 100, Ct);
        Assert.Equal(["a", "b", "c", "d", "e\uFF21", "e😀", "f"], all.Select(e => e.Key));
        var a = all[0];
        Assert.Equal((12L, 99UL, ObjectOutcome.Succeeded, "\"copied\"", 2000L), (a.Size, a.Crc64!.Value, a.Outcome, a.ETag, a.LastModified.ToUnixTimeSeconds()));
        Assert.Equal((ObjectOutcome.Failed, "denied"), (all[1].Outcome, all[1].Error));
        Assert.Equal((ObjectOutcome.Pending, (ulong?)null), (all[2].Outcome, all[2].Crc64));

        Assert.Equal(["d", "e\uFF21", "e😀"], (await store.GetJournalAsync(task.Id, "c", "e😀", 100, Ct)).Select(e => e.Key));
        Assert.Equal(["f"], (await store.GetJournalAsync(task.Id, "e😀", null, 100, Ct)).Select(e => e.Key));
        Assert.Equal(["a", "b"], (await store.GetJournalAsync(task.Id, null, "c", 2, Ct)).Select(e => e.Key));
    }
}

public sealed class SqliteJournalReadConformance() : JournalReadConformance(new SqliteTestDatabase());

[RequiresPostgres]
public sealed class PostgresJournalReadConformance() : JournalReadConformance(new PostgresTestDatabase());
