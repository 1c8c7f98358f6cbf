using System.Management.Automation;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Progress;

/// <summary>
/// One progress bar per task, built from status snapshots: objects and bytes done of the total,
/// the recent rate and the time left. Used by Get-MigrationStatus -Wait and by the agent's bars,
/// so both read alike. Not thread-safe: used on the pipeline thread only.
/// </summary>
internal sealed class TaskProgressView(int parentActivityId)
{
    // Activity ids below this are the agent's own bar.
    private const int FirstTaskActivityId = 10;
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, (int Id, RateMeter Meter)> _tasks = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _open = new(StringComparer.OrdinalIgnoreCase);

    public static string Activity(string taskName) => $"Migration task {taskName}";

    public ProgressRecord Update(MigrationStatus status)
    {
        var (id, meter) = Track(status.TaskName);
        _open.Add(status.TaskName);
        var done = status.Succeeded + status.Skipped + status.Failed + status.Archived;
        meter.Add(done, status.TransferredBytes);
        var rate = meter.PerSecond ?? (status.ObjectsPerSecond, status.BytesPerSecond);
        var record = new ProgressRecord(id, Activity(status.TaskName), Describe(status, done, rate))
        {
            ParentActivityId = parentActivityId,
            PercentComplete = Percent(status),
            SecondsRemaining = SecondsRemaining(status, done, rate.Objects),
        };
        if (!status.ListingComplete) record.CurrentOperation = "Listing the source; the total grows as segments are cut.";
        return record;
    }

    public ProgressRecord Completed(string taskName, string description)
    {
        _open.Remove(taskName);
        return new(Track(taskName).Id, Activity(taskName), description)
        {
            ParentActivityId = parentActivityId,
            RecordType = ProgressRecordType.Completed,
        };
    }

    /// <summary>Completed records for every bar still open, so none is left on screen.</summary>
    public IEnumerable<ProgressRecord> CompleteAll() => _open.ToList().Select(name => Completed(name, "Stopped"));

    private (int Id, RateMeter Meter) Track(string taskName)
    {
        if (!_tasks.TryGetValue(taskName, out var entry))
            _tasks[taskName] = entry = (FirstTaskActivityId + _tasks.Count, new RateMeter(RateWindow));
        return entry;
    }

    private static string Describe(MigrationStatus s, long done, (double Objects, double Bytes) rate)
    {
        var total = s.ListingComplete ? $"{s.Total:N0}" : $"{s.Total:N0}+";
        var bytes = s.ListingComplete && s.TotalBytes > 0
            ? $"{Units.Bytes(s.TransferredBytes)} of {Units.Bytes(s.TotalBytes)}"
            : Units.Bytes(s.TransferredBytes);
        // A secondary pass says how far it got with what it queued: the whole task is mostly earlier passes.
        var pass = s.Pass > 1 ? $"pass {s.Pass}: {s.PassTotal - s.PassPending:N0} of {(s.ListingComplete ? $"{s.PassTotal:N0}" : $"{s.PassTotal:N0}+")}; " : "";
        return $"{s.State}: {pass}{done:N0} of {total} objects ({s.Failed:N0} failed{(s.Archived > 0 ? $", {s.Archived:N0} archived" : "")}), {bytes}, " +
               $"{Units.Bytes((long)rate.Bytes)}/s, {rate.Objects:N0} objects/s";
    }

    // A secondary pass fills its own bar: the whole task's percentage is mostly earlier passes' work.
    // Unknown (-1) until something is listed.
    private static int Percent(MigrationStatus s) =>
        s.Pass > 1
            ? s.PassTotal == 0 ? (s.ListingComplete ? 100 : -1) : (int)Math.Clamp(s.PassPercentComplete, 0, 100)
            : s.Total == 0 ? -1 : (int)Math.Clamp(s.PercentComplete, 0, 100);

    // Objects, not bytes: skipped objects move no bytes, so a byte-based estimate overshoots.
    private static int SecondsRemaining(MigrationStatus s, long done, double objectsPerSecond)
    {
        if (!s.ListingComplete || s.IsFinished || objectsPerSecond <= 0) return -1;
        var left = Math.Max(0, s.Total - done) / objectsPerSecond;
        return left > int.MaxValue ? -1 : (int)Math.Ceiling(left);
    }
}
