namespace MspMigration;

/// <summary>How one object of a task differs between source and destination.</summary>
public enum ConsistencyDifferenceKind
{
    /// <summary>In the task's scope at the source, absent at the destination.</summary>
    Missing,
    /// <summary>At both, with different sizes.</summary>
    SizeDiffers,
    /// <summary>At both, same size, and the evidence shows other bytes.</summary>
    ContentDiffers,
    /// <summary>At the destination, inside the task's prefix and filters, absent at the source.</summary>
    ExtraAtDestination,
    /// <summary>At both with the same size, but nothing either side offers can show the bytes are the same.</summary>
    Unverifiable,
}

/// <summary>What showed an object's bytes to be the same (or not) without reading them, or by reading them.</summary>
public enum ConsistencyEvidence
{
    /// <summary>No evidence beyond presence and size.</summary>
    None,
    /// <summary>Both sides report a CRC-64/XZ (OSS, COS).</summary>
    Crc64,
    /// <summary>Both sides report a single-part ETag, which is the content's MD5.</summary>
    Md5ETag,
    /// <summary>The destination's CRC-64 against the CRC-64 the journal recorded of the bytes written.</summary>
    JournalCrc64,
    /// <summary>Same size and modification time on a destination that keeps modification times.</summary>
    SizeAndTime,
    /// <summary>Both sides read and hashed (-Deep).</summary>
    Read,
}

/// <summary>One difference between a task's source and destination.</summary>
public sealed class ConsistencyDifference
{
    public string TaskName { get; init; } = "";
    public string Key { get; init; } = "";
    public ConsistencyDifferenceKind Kind { get; init; }
    public long? SourceSize { get; init; }
    public long? DestinationSize { get; init; }
    public ConsistencyEvidence Evidence { get; init; }
    /// <summary>Why, in words: what the evidence showed, or why none could be had.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>What a consistency check of one task found.</summary>
public sealed class ConsistencySummary
{
    public string TaskName { get; init; } = "";
    public bool Deep { get; init; }
    /// <summary>Key ranges listed and compared independently.</summary>
    public int Ranges { get; init; }
    /// <summary>Objects in the task's scope at the source.</summary>
    public long SourceObjects { get; init; }
    /// <summary>Objects in the task's scope at the destination.</summary>
    public long DestinationObjects { get; init; }
    public long Consistent { get; init; }
    public long Missing { get; init; }
    public long SizeDiffers { get; init; }
    public long ContentDiffers { get; init; }
    public long ExtraAtDestination { get; init; }
    public long Unverifiable { get; init; }
    /// <summary>Consistent objects by the evidence that showed it.</summary>
    public long VerifiedByHash { get; init; }
    public long VerifiedByJournal { get; init; }
    public long VerifiedBySizeAndTime { get; init; }
    public long VerifiedByReading { get; init; }
    public TimeSpan Duration { get; init; }

    public long Differences => Missing + SizeDiffers + ContentDiffers + ExtraAtDestination + Unverifiable;
    public bool IsConsistent => Differences == 0;
}
