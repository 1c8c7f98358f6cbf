namespace MspMigration.Engine.ControlPlane;

/// <summary>Turns the counters any store reads into the status operators see.</summary>
internal static class StatusBuilder
{
    public static MigrationStatus Build(MigrationTask task, bool listingDone, int segments, int segmentsDone,
        long total, long totalBytes, long succeeded, long skipped, long failed, long bytesDone)
    {
        var end = task.FinishedAt ?? DateTimeOffset.UtcNow;
        var elapsed = task.StartedAt is { } start ? end - start : TimeSpan.Zero;
        if (elapsed < TimeSpan.Zero) elapsed = TimeSpan.Zero;
        var seconds = elapsed.TotalSeconds;
        return new MigrationStatus
        {
            TaskName = task.Name,
            State = task.State,
            StateReason = task.StateReason,
            ListingComplete = listingDone,
            Total = total,
            Succeeded = succeeded,
            Skipped = skipped,
            Failed = failed,
            Pending = total - succeeded - skipped - failed,
            TotalBytes = totalBytes,
            TransferredBytes = bytesDone,
            SegmentsTotal = segments,
            SegmentsDone = segmentsDone,
            StartedAt = task.StartedAt,
            FinishedAt = task.FinishedAt,
            Elapsed = elapsed,
            BytesPerSecond = seconds > 0 ? bytesDone / seconds : 0,
            ObjectsPerSecond = seconds > 0 ? (succeeded + skipped + failed) / seconds : 0,
        };
    }
}
