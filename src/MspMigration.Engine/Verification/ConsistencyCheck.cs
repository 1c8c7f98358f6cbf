using System.Diagnostics;
using System.Runtime.CompilerServices;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Verification;

/// <summary>Reads the task's journal by key range: rows after a key, up to a key (null: open), at most a number of them.</summary>
public delegate Task<IReadOnlyList<JournalEntry>> JournalReader(string? after, string? last, int limit, CancellationToken cancellationToken);

/// <summary>
/// The consistency check of one task: lists source and destination side by side, key range by key
/// range with a few ranges at once, and compares every key of the task's scope with
/// <see cref="ObjectComparison"/>. HEADs (for stores whose hash is in a header) and -Deep reads
/// run with bounded parallelism across all ranges. Each difference goes to the output as it is
/// found; the summary is returned.
/// </summary>
public sealed class ConsistencyCheck
{
    private const int PageSize = 1000;
    private const int RangesAtOnce = 4;
    private const int Batch = 256;

    private readonly MigrationTask _task;
    private readonly IObjectStore _source;
    private readonly IObjectStore _destination;
    private readonly JournalReader _journal;
    private readonly ObjectFilter _filter;
    private readonly ComparisonContext _context;
    private readonly bool _deep;
    private readonly SemaphoreSlim _io;
    private readonly int _parallelism;
    private readonly ConsistencyTally _tally = new();

    public ConsistencyCheck(MigrationTask task, IObjectStore source, IObjectStore destination, JournalReader journal, bool deep, int parallelism)
    {
        _task = task;
        _source = source;
        _destination = destination;
        _journal = journal;
        _filter = new ObjectFilter(task.Settings);
        _context = new ComparisonContext(task.SameNamePolicy, destination.Capabilities.KeepsModificationTimes);
        _deep = deep;
        _parallelism = Math.Max(1, parallelism);
        _io = new SemaphoreSlim(_parallelism);
    }

    public async Task<ConsistencySummary> RunAsync(IReadOnlyList<KeyRange> ranges, IEngineOutput output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = RangesAtOnce, CancellationToken = cancellationToken },
            async (range, ct) =>
            {
                await CheckRangeAsync(range, output, ct).ConfigureAwait(false);
                output.Info($"Task '{_task.Name}': {Interlocked.Increment(ref done)} of {ranges.Count} key ranges compared.");
            }).ConfigureAwait(false);
        return _tally.Summary(_task.Name, _deep, ranges.Count, clock.Elapsed);
    }

    private async Task CheckRangeAsync(KeyRange range, IEngineOutput output, CancellationToken ct)
    {
        // The task's key prefix bounds both listings: nothing outside it is the task's.
        var listing = new ListingRange(range.After, range.Last, _task.KeyPrefix);
        var source = _source.ObjectsAsync(listing, PageSize, missingIsEmpty: false, ct);
        var destination = _destination.ObjectsAsync(listing, PageSize, missingIsEmpty: true, ct);
        var batch = new List<KeyedTriple>(Batch);
        await foreach (var t in KeyMerge.MergeAsync(source, destination, JournalAsync(range, ct), ct).ConfigureAwait(false))
        {
            if (InScope(t) is not { } triple) continue;
            batch.Add(triple);
            if (batch.Count < Batch) continue;
            await CompareAsync(batch, output, ct).ConfigureAwait(false);
            batch.Clear();
        }
        await CompareAsync(batch, output, ct).ConfigureAwait(false);
    }

    // A source object the filters reject is outside the task with whatever the destination holds
    // under its key; a destination object alone is the task's only if the filters accept it.
    private KeyedTriple? InScope(KeyedTriple t)
    {
        if (t.Source is { } s) return _filter.Accepts(s) ? t : null;
        return t.Destination is { } d && _filter.Accepts(d) ? t : null;
    }

    private Task CompareAsync(List<KeyedTriple> batch, IEngineOutput output, CancellationToken ct) =>
        Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct }, async (t, token) =>
        {
            var (finding, source) = await FindAsync(t, token).ConfigureAwait(false);
            _tally.Count(t, finding);
            if (finding.Kind is { } kind)
                output.Difference(new ConsistencyDifference
                {
                    TaskName = _task.Name, Key = t.Key, Kind = kind, SourceSize = source?.Size, DestinationSize = t.Destination?.Size,
                    Evidence = finding.Evidence, Reason = finding.Reason,
                });
        });

    /// <summary>The finding, and the source object as last seen (a URL list's size is known only after a HEAD).</summary>
    private async Task<(Finding, ObjectInfo?)> FindAsync(KeyedTriple t, CancellationToken ct)
    {
        var source = t.Source;
        // A store that lists no sizes (a URL list) tells them at a HEAD.
        if (source is not null && !_source.Capabilities.ListsSizesAndTimes)
        {
            try { source = await HeadAsync(_source, t.Key, ct).ConfigureAwait(false) ?? source; }
            catch (Exception e) when (IsObjectFailure(e, ct)) { return (CannotCheck(e), source); }
        }
        return (await FindAsync(t, source, ct).ConfigureAwait(false), source);
    }

    private async Task<Finding> FindAsync(KeyedTriple t, ObjectInfo? source, CancellationToken ct)
    {
        var destination = t.Destination;
        if (source is null || destination is null) return ObjectComparison.Compare(source, destination, t.Journal, _context);
        try
        {
            if (_deep)
            {
                // Sizes that differ in the listings need no read to tell.
                var listed = ObjectComparison.Compare(source, destination, t.Journal, _context);
                if (listed.Kind == ConsistencyDifferenceKind.SizeDiffers) return listed;
                return ObjectComparison.Compare(source, destination, t.Journal, _context, await ReadBothAsync(t.Key, ct).ConfigureAwait(false));
            }
            var first = ObjectComparison.Compare(source, destination, t.Journal, _context);
            if (first.Kind is not ConsistencyDifferenceKind.Unverifiable) return first;
            // Stores that keep their hash in a header (CRC-64 on OSS and COS) tell it at a HEAD only.
            var headSource = _source.Capabilities.Hash == HashKind.Crc64 && source.Crc64 is null;
            var headDestination = _destination.Capabilities.Hash == HashKind.Crc64 && destination.Crc64 is null;
            if (!headSource && !headDestination) return first;
            if (headSource) source = await HeadAsync(_source, t.Key, ct).ConfigureAwait(false) ?? source;
            if (headDestination) destination = await HeadAsync(_destination, t.Key, ct).ConfigureAwait(false) ?? destination;
            return ObjectComparison.Compare(source, destination, t.Journal, _context);
        }
        catch (Exception e) when (IsObjectFailure(e, ct))
        {
            return CannotCheck(e);
        }
    }

    // One object that cannot be HEADed or read is unverifiable; the rest of the check goes on.
    private static bool IsObjectFailure(Exception e, CancellationToken ct) =>
        e is StoreException or IOException or HttpRequestException && !ct.IsCancellationRequested;

    private Finding CannotCheck(Exception e) => new(ConsistencyDifferenceKind.Unverifiable,
        _deep ? ConsistencyEvidence.Read : ConsistencyEvidence.None, $"could not be checked: {Transfer.ObjectCopier.Describe(e)}");

    private async Task<ObjectInfo?> HeadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await _io.WaitAsync(ct).ConfigureAwait(false);
        try { return await store.HeadAsync(key, ct).ConfigureAwait(false); }
        finally { _io.Release(); }
    }

    private async Task<ReadHashes> ReadBothAsync(string key, CancellationToken ct)
    {
        await _io.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (sb, sc) = await ContentHash.ReadAsync(_source, key, ct).ConfigureAwait(false);
            var (db, dc) = await ContentHash.ReadAsync(_destination, key, ct).ConfigureAwait(false);
            return new ReadHashes(sb, sc, db, dc);
        }
        finally { _io.Release(); }
    }

    private async IAsyncEnumerable<JournalEntry> JournalAsync(KeyRange range, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = range.After;
        while (true)
        {
            var page = await _journal(after, range.Last, PageSize, ct).ConfigureAwait(false);
            foreach (var entry in page) yield return entry;
            if (page.Count < PageSize) yield break;
            after = page[^1].Key;
        }
    }
}
