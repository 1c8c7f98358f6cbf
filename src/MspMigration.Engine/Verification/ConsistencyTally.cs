namespace MspMigration.Engine.Verification;

/// <summary>Counts findings from many threads at once and makes the summary.</summary>
internal sealed class ConsistencyTally
{
    private long _source, _destination, _consistent, _missing, _size, _content, _extra, _unverifiable;
    private long _hash, _journal, _time, _read;

    public void Count(KeyedTriple t, Finding f)
    {
        if (t.Source is not null) Interlocked.Increment(ref _source);
        if (t.Destination is not null) Interlocked.Increment(ref _destination);
        switch (f.Kind)
        {
            case null: Interlocked.Increment(ref _consistent); break;
            case ConsistencyDifferenceKind.Missing: Interlocked.Increment(ref _missing); break;
            case ConsistencyDifferenceKind.SizeDiffers: Interlocked.Increment(ref _size); break;
            case ConsistencyDifferenceKind.ContentDiffers: Interlocked.Increment(ref _content); break;
            case ConsistencyDifferenceKind.ExtraAtDestination: Interlocked.Increment(ref _extra); break;
            default: Interlocked.Increment(ref _unverifiable); break;
        }
        if (f.Kind is not null) return;
        switch (f.Evidence)
        {
            case ConsistencyEvidence.Crc64 or ConsistencyEvidence.Md5ETag: Interlocked.Increment(ref _hash); break;
            case ConsistencyEvidence.JournalCrc64: Interlocked.Increment(ref _journal); break;
            case ConsistencyEvidence.SizeAndTime: Interlocked.Increment(ref _time); break;
            case ConsistencyEvidence.Read: Interlocked.Increment(ref _read); break;
        }
    }

    public ConsistencySummary Summary(string task, bool deep, int ranges, TimeSpan duration) => new()
    {
        TaskName = task, Deep = deep, Ranges = ranges, Duration = duration,
        SourceObjects = Interlocked.Read(ref _source), DestinationObjects = Interlocked.Read(ref _destination),
        Consistent = Interlocked.Read(ref _consistent), Missing = Interlocked.Read(ref _missing), SizeDiffers = Interlocked.Read(ref _size),
        ContentDiffers = Interlocked.Read(ref _content), ExtraAtDestination = Interlocked.Read(ref _extra), Unverifiable = Interlocked.Read(ref _unverifiable),
        VerifiedByHash = Interlocked.Read(ref _hash), VerifiedByJournal = Interlocked.Read(ref _journal),
        VerifiedBySizeAndTime = Interlocked.Read(ref _time), VerifiedByReading = Interlocked.Read(ref _read),
    };
}
