namespace MspMigration.Engine.ControlPlane;

/// <summary>What a store counts for a status, whatever the store: the whole task, and <see cref="ThisPass"/>.</summary>
internal sealed class JournalCounts : OutcomeTally
{
    public bool ListingDone;
    public long ChangedInPass;
    public int Segments;
    public int SegmentsDone;
    /// <summary>The objects last queued in the task's current pass.</summary>
    public readonly OutcomeTally ThisPass = new();
}

/// <summary>Objects and bytes by outcome.</summary>
internal class OutcomeTally
{
    public long Total, TotalBytes, Succeeded, SucceededBytes, Skipped, Failed;
    /// <summary>Of the failed, those whose reason is SourceArchived.</summary>
    public long Archived;

    public void Add(ObjectOutcome outcome, long count, long bytes, bool archived = false)
    {
        if (archived && outcome == ObjectOutcome.Failed) Archived += count;
        Total += count;
        TotalBytes += bytes;
        switch (outcome)
        {
            case ObjectOutcome.Succeeded:
                Succeeded += count;
                SucceededBytes += bytes;
                break;
            case ObjectOutcome.Skipped:
                Skipped += count;
                break;
            case ObjectOutcome.Failed:
                Failed += count;
                break;
        }
    }
}
