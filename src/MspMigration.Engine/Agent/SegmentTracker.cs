using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>Counts down the objects of a claimed segment still being worked on.</summary>
internal sealed class SegmentTracker(SegmentClaim claim, TaskRuntime runtime, int count)
{
    private int _remaining = count;
    public SegmentClaim Claim { get; } = claim;
    public TaskRuntime Runtime { get; } = runtime;

    /// <summary>True for the call that finished the last object.</summary>
    public bool ObjectDone() => Interlocked.Decrement(ref _remaining) == 0;
}

/// <summary>One object handed to a worker.</summary>
internal sealed record WorkItem(SegmentTracker Segment, PendingObject Object, Transfer.DestinationState Destination);
