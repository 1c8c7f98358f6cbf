namespace MspMigration;

/// <summary>Progress and outcome counts of one task.</summary>
public sealed class MigrationStatus
{
    public string TaskName { get; init; } = "";
    public MigrationTaskState State { get; init; }
    public string? StateReason { get; init; }
    /// <summary>1 for the first migration; each secondary (incremental) pass adds one.</summary>
    public int Pass { get; init; } = 1;
    /// <summary>In a secondary pass: objects found new or changed (or failed before) and queued again.</summary>
    public long ChangedInPass { get; init; }
    /// <summary>True once the master has listed the whole source.</summary>
    public bool ListingComplete { get; init; }
    public long Total { get; init; }
    public long Succeeded { get; init; }
    public long Skipped { get; init; }
    /// <summary>Objects that failed, archived ones apart (see <see cref="Archived"/>).</summary>
    public long Failed { get; init; }
    /// <summary>
    /// Objects in an archive storage class at the source, not restored (reason SourceArchived):
    /// failures whose cure is a restore, counted apart from <see cref="Failed"/>.
    /// </summary>
    public long Archived { get; init; }
    public long Pending { get; init; }
    public long TotalBytes { get; init; }
    public long TransferredBytes { get; init; }
    /// <summary>
    /// Objects queued in the current pass (<see cref="Pass"/>): in the first pass every object listed, in a
    /// secondary pass those it found new, changed or failed. Each object counts in the pass that last queued it.
    /// </summary>
    public long PassTotal { get; init; }
    /// <summary>Of <see cref="PassTotal"/>, objects copied in this pass.</summary>
    public long PassSucceeded { get; init; }
    public long PassSkipped { get; init; }
    /// <summary>Of <see cref="PassTotal"/>, failures other than archived ones (see <see cref="PassArchived"/>).</summary>
    public long PassFailed { get; init; }
    public long PassArchived { get; init; }
    /// <summary>Of <see cref="PassTotal"/>, objects not worked yet.</summary>
    public long PassPending { get; init; }
    /// <summary>Bytes of the objects this pass queued, as listed.</summary>
    public long PassTotalBytes { get; init; }
    /// <summary>Bytes copied in this pass.</summary>
    public long PassTransferredBytes { get; init; }
    public int SegmentsTotal { get; init; }
    public int SegmentsDone { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>Average bytes per second since the task started.</summary>
    public double BytesPerSecond { get; init; }
    /// <summary>Average objects per second since the task started.</summary>
    public double ObjectsPerSecond { get; init; }

    public bool IsFinished => State is MigrationTaskState.Completed or MigrationTaskState.CompletedWithFailures or MigrationTaskState.Failed;

    /// <summary>Progress of the current pass alone (see <see cref="PassTotal"/>).</summary>
    public double PassPercentComplete => PassTotal == 0 ? (ListingComplete ? 100 : 0) : 100.0 * (PassTotal - PassPending) / PassTotal;

    public double PercentComplete => Total == 0 ? (ListingComplete ? 100 : 0) : 100.0 * (Succeeded + Skipped + Failed + Archived) / Total;
}
