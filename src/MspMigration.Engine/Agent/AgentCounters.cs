using System.Diagnostics;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;

namespace MspMigration.Engine.Agent;

/// <summary>What this agent has done in this run; counted by the workers and copiers, read by progress and the summary.</summary>
internal sealed class AgentCounters
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly RunTally _tally = new();
    // Bytes as they are read, for the live rate; the summary counts verified bytes (RunTally).
    private long _bytes, _segmentsDone;
    private int _segmentsInFlight;

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void Count(string taskName, ObjectOutcomeRecord outcome) => _tally.Add(taskName, outcome);

    public void SegmentTaken() => Interlocked.Increment(ref _segmentsInFlight);
    public void SegmentLeft() => Interlocked.Decrement(ref _segmentsInFlight);
    public void SegmentCompleted() => Interlocked.Increment(ref _segmentsDone);

    public AgentProgress Snapshot()
    {
        var (succeeded, skipped, failed) = _tally.Totals();
        return new(succeeded + skipped + failed, failed, Interlocked.Read(ref _bytes), _clock.Elapsed, Volatile.Read(ref _segmentsInFlight));
    }

    public AgentRunSummary Summary(string agentName, bool cancelled)
    {
        var (succeeded, skipped, failed) = _tally.Totals();
        return new()
        {
            AgentName = agentName,
            ObjectsSucceeded = succeeded,
            ObjectsSkipped = skipped,
            ObjectsFailed = failed,
            BytesTransferred = _tally.VerifiedBytes,
            SegmentsCompleted = (int)Interlocked.Read(ref _segmentsDone),
            Elapsed = _clock.Elapsed,
            Cancelled = cancelled,
            Tasks = _tally.ByTask(),
        };
    }
}
