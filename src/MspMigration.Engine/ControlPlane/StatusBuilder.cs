namespace MspMigration.Engine.ControlPlane;

/// <summary>Turns the counters any store reads into the status operators see.</summary>
internal static class StatusBuilder
{
    public static MigrationStatus Build(MigrationTask task, JournalCounts c)
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
            Pass = task.Pass,
            ChangedInPass = c.ChangedInPass,
            ListingComplete = c.ListingDone,
            Total = c.Total,
            Succeeded = c.Succeeded,
            Skipped = c.Skipped,
            Failed = c.Failed - c.Archived,
            Archived = c.Archived,
            Pending = c.Total - c.Succeeded - c.Skipped - c.Failed,
            TotalBytes = c.TotalBytes,
            TransferredBytes = c.SucceededBytes,
            PassTotal = c.ThisPass.Total,
            PassSucceeded = c.ThisPass.Succeeded,
            PassSkipped = c.ThisPass.Skipped,
            PassFailed = c.ThisPass.Failed - c.ThisPass.Archived,
            PassArchived = c.ThisPass.Archived,
            PassPending = c.ThisPass.Total - c.ThisPass.Succeeded - c.ThisPass.Skipped - c.ThisPass.Failed,
            PassTotalBytes = c.ThisPass.TotalBytes,
            PassTransferredBytes = c.ThisPass.SucceededBytes,
            SegmentsTotal = c.Segments,
            SegmentsDone = c.SegmentsDone,
            StartedAt = task.StartedAt,
            FinishedAt = task.FinishedAt,
            Elapsed = elapsed,
            BytesPerSecond = seconds > 0 ? c.SucceededBytes / seconds : 0,
            ObjectsPerSecond = seconds > 0 ? (c.Succeeded + c.Skipped + c.Failed) / seconds : 0,
        };
    }
}
