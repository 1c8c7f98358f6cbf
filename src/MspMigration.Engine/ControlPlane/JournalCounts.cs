namespace MspMigration.Engine.ControlPlane;

/// <summary>What a store counts for a status, whatever the store.</summary>
internal sealed class JournalCounts
{
    public bool ListingDone;
    public long ChangedInPass;
    public int Segments;
    public int SegmentsDone;
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
