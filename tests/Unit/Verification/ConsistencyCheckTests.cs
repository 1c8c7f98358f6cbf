using System.Collections.Concurrent;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Output;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Verification;
using MspMigration.Tests.Unit.Transfer;

namespace MspMigration.Tests.Unit.Verification;

public sealed class ConsistencyCheckTests
{
    /// <summary>A store like OSS or COS: its CRC-64 comes with a HEAD only, never in a listing, and it sets its own times.</summary>
    private sealed class HeaderCrcStore(MemoryStore inner) : IObjectStore
    {
        public string Description => inner.Description;
        public StoreCapabilities Capabilities { get; } = new(true, true, false, HashKind.Crc64, false);
        public async Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken ct)
        {
            var page = await inner.ListAsync(startAfter, maxKeys, ct);
            return page with { Objects = [.. page.Objects.Select(o => o with { Crc64 = null })] };
        }
        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct) => inner.HeadAsync(key, ct);
        public string? Unreadable { get; init; }
        public Task<ObjectReader> OpenReadAsync(string key, CancellationToken ct) => key == Unreadable
            ? throw new StoreException(StoreErrorKind.AccessDenied, $"Access denied to '{key}'.")
            : inner.OpenReadAsync(key, ct);
        public Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken ct) =>
            inner.PutAsync(key, content, length, metadata, lastModified, contentMd5, ct);
        public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Collector : IEngineOutput
    {
        public ConcurrentBag<ConsistencyDifference> Differences { get; } = [];
        public void Info(string message) { }
        public void Warning(string message) { }
        public void Difference(ConsistencyDifference difference) => Differences.Add(difference);
    }

    private static void Put(MemoryStore store, string key, byte[] data, bool reportCrc)
    {
        store.Objects[key] = data;
        if (reportCrc) store.ReportedCrc[key] = Crc64Xz.Compute(data);
    }

    private static byte[] Bytes(int seed, int size = 64)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>A migrated pair of stores, then the four tampers, and objects outside the task's scope on both sides.</summary>
    private static (MemoryStore Source, MemoryStore Destination, List<JournalEntry> Journal) Tampered(bool reportCrc)
    {
        var (src, dst) = (new MemoryStore(), new MemoryStore());
        var journal = new List<JournalEntry>();
        foreach (var k in new[] { "a/1", "a/2", "a/3", "a/4", "a/5" })
        {
            var data = Bytes(k.GetHashCode(StringComparison.Ordinal));
            Put(src, k, data, reportCrc);
            Put(dst, k, data, reportCrc);
            journal.Add(new JournalEntry(k, data.Length, DateTimeOffset.UnixEpoch, null, ObjectOutcome.Succeeded, Crc64Xz.Compute(data), null));
        }
        dst.Objects.TryRemove("a/2", out _);
        Put(dst, "a/3", [1, 2, 3], reportCrc);
        Put(dst, "a/4", Bytes(99), reportCrc);
        Put(dst, "a/9", [9], reportCrc);
        Put(src, "a/x.tmp", [1], reportCrc);          // excluded at the source
        Put(dst, "a/y.tmp", [1], reportCrc);          // excluded at the destination: not extra
        Put(src, "c/1", [1], reportCrc);              // outside the key prefix, on both sides with other bytes
        Put(dst, "c/1", [2, 2], reportCrc);
        Put(dst, "c/extra", [2], reportCrc);
        return (src, dst, journal);
    }

    private static async Task<(ConsistencySummary, List<ConsistencyDifference>)> RunAsync(IObjectStore src, IObjectStore dst, List<JournalEntry> journal, bool deep)
    {
        var task = new MigrationTask { Name = "t", Settings = new MigrationTaskSettings { KeyPrefix = "a/", Exclude = ["*.tmp"] } };
        var cmp = Utf8OrdinalComparer.Instance;
        JournalReader reader = (after, last, limit, ct) => Task.FromResult<IReadOnlyList<JournalEntry>>(journal
            .Where(e => (after is null || cmp.Compare(e.Key, after) > 0) && (last is null || cmp.Compare(e.Key, last) <= 0)).Take(limit).ToList());
        var output = new Collector();
        var summary = await new ConsistencyCheck(task, src, dst, reader, deep, parallelism: 3)
            .RunAsync(KeyRanges.From(["a/2", "a/4"]), output, CancellationToken.None);
        return (summary, output.Differences.OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Finds_the_four_tampers_by_headed_crc64_inside_the_tasks_scope_only()
    {
        var (src, dst, journal) = Tampered(reportCrc: true);
        var (summary, diffs) = await RunAsync(new HeaderCrcStore(src), new HeaderCrcStore(dst), journal, deep: false);
        Assert.Equal(["Missing a/2", "SizeDiffers a/3", "ContentDiffers a/4", "ExtraAtDestination a/9"], diffs.Select(d => $"{d.Kind} {d.Key}"));
        Assert.Equal(ConsistencyEvidence.Crc64, diffs.Single(d => d.Kind == ConsistencyDifferenceKind.ContentDiffers).Evidence);
        Assert.Equal((5L, 5L, 2L, 2L, 3), (summary.SourceObjects, summary.DestinationObjects, summary.Consistent, summary.VerifiedByHash, summary.Ranges));
        Assert.Equal(0, src.Reads + dst.Reads);
        Assert.True(src.Heads > 0 && dst.Heads > 0);
    }

    [Fact]
    public async Task Without_a_hash_a_same_size_replacement_is_unverifiable_until_deep_reads_both_sides()
    {
        var (src, dst, journal) = Tampered(reportCrc: false);
        var (_, shallow) = await RunAsync(new HeaderCrcStore(src), new HeaderCrcStore(dst), journal, deep: false);
        var unverifiable = shallow.Where(d => d.Kind == ConsistencyDifferenceKind.Unverifiable).Select(d => d.Key).ToList();
        // a/1 and a/5 too: nothing shows them the same without reading.
        Assert.Equal(["a/1", "a/4", "a/5"], unverifiable);

        var (summary, deep) = await RunAsync(new HeaderCrcStore(src), new HeaderCrcStore(dst), journal, deep: true);
        Assert.Equal(["Missing a/2", "SizeDiffers a/3", "ContentDiffers a/4", "ExtraAtDestination a/9"], deep.Select(d => $"{d.Kind} {d.Key}"));
        Assert.Equal(ConsistencyEvidence.Read, deep.Single(d => d.Key == "a/4").Evidence);
        Assert.Equal(2L, summary.VerifiedByReading);
    }

    [Fact]
    public async Task An_object_that_cannot_be_read_is_unverifiable_with_the_reason_and_the_rest_goes_on()
    {
        var (src, dst, journal) = Tampered(reportCrc: false);
        var (summary, diffs) = await RunAsync(new HeaderCrcStore(src) { Unreadable = "a/1" }, new HeaderCrcStore(dst), journal, deep: true);
        var broken = Assert.Single(diffs, d => d.Kind == ConsistencyDifferenceKind.Unverifiable);
        Assert.Equal("a/1", broken.Key);
        Assert.Contains("Access denied to 'a/1'", broken.Reason);
        Assert.Equal(5, diffs.Count);
        Assert.Equal(1L, summary.Consistent);
    }
}
