using System.Diagnostics;
using MspMigration.Engine.Output;

namespace MspMigration.Engine.Agent;

/// <summary>What this agent has done in this run; counted by the workers and copiers, read by progress and the summary.</summary>
internal sealed class AgentCounters
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _succeeded, _skipped, _failed, _bytes, _segmentsDone;
    private int _segmentsInFlight;

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void Count(ObjectOutcome outcome)
    {
        switch (outcome)
        {
            case ObjectOutcome.Succeeded:
                Interlocked.Increment(ref _succeeded);
                break;
            case ObjectOutcome.Skipped:
                Interlocked.Increment(ref _skipped);
                break;
            case ObjectOutcome.Failed:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    public void SegmentTaken() => Interlocked.Increment(ref _segmentsInFlight);
    public void SegmentLeft() => Interlocked.Decrement(ref _segmentsInFlight);
    public void SegmentCompleted() => Interlocked.Increment(ref _segmentsDone);

    public AgentProgress Snapshot() => new(
        Interlocked.Read(ref _succeeded) + Interlocked.Read(ref _skipped) + Interlocked.Read(ref _failed),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _bytes), _clock.Elapsed, Volatile.Read(ref _segmentsInFlight));

    public AgentRunSummary Summary(string agentName, bool cancelled) => new()
    {
        AgentName = agentName,
        ObjectsSucceeded = Interlocked.Read(ref _succeeded),
        ObjectsSkipped = Interlocked.Read(ref _skipped),
        ObjectsFailed = Interlocked.Read(ref _failed),
        BytesTransferred = Interlocked.Read(ref _bytes),
        SegmentsCompleted = (int)Interlocked.Read(ref _segmentsDone),
        Elapsed = _clock.Elapsed,
        Cancelled = cancelled,
    };
}
