using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>
/// The segments this agent is working on, from the claim that returned one until it is completed
/// or handed back. A claim committed by the control plane whose reply never arrived leaves a
/// segment leased to the agent that nobody works on; the heartbeat would renew that lease for
/// ever, so each heartbeat first gives back every segment of the agent not in this set. Claims and
/// that release take turns, so a segment just claimed is always in the set before a release runs.
/// </summary>
internal sealed class HeldSegments
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly HashSet<long> _ids = new();

    public async Task<SegmentClaim?> ClaimAsync(Func<Task<SegmentClaim?>> claim, CancellationToken ct)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var segment = await claim().ConfigureAwait(false);
            if (segment is not null) lock (_ids) _ids.Add(segment.SegmentId);
            return segment;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>How many segments this agent works on now.</summary>
    public int Count
    {
        get { lock (_ids) return _ids.Count; }
    }

    /// <summary>Called once the segment is completed or handed back (or that failed: then the next heartbeat gives it back).</summary>
    public void Done(long segmentId)
    {
        lock (_ids) _ids.Remove(segmentId);
    }

    public async Task<int> ReleaseOthersAsync(IControlPlane store, string agentName, CancellationToken ct)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long[] working;
            lock (_ids) working = [.. _ids];
            return await store.ReleaseSegmentsNotWorkedOnAsync(agentName, working, ct).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }
}
