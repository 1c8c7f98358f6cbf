namespace MspMigration.Engine.Limits;

/// <summary>
/// One task's limits inside one agent. The task's limits are for the whole cluster: each agent
/// takes an equal share, recomputed as agents come and go.
/// </summary>
public sealed class TaskLimiter : IDisposable
{
    private readonly AdjustableRateLimiter _requests = new();
    private readonly AdjustableRateLimiter _bytes = new();

    public void Update(double? qps, long? bandwidth, int liveAgents)
    {
        var share = Math.Max(1, liveAgents);
        _requests.Rate = qps is > 0 ? qps.Value / share : 0;
        _bytes.Rate = bandwidth is > 0 ? Math.Max(1, bandwidth.Value / share) : 0;
    }

    public bool LimitsBandwidth => _bytes.Rate > 0;

    /// <summary>Waits for the right to start one object (one unit of QPS).</summary>
    public ValueTask AcquireRequestAsync(CancellationToken cancellationToken) => _requests.AcquireAsync(1, cancellationToken);

    public ValueTask AcquireBytesAsync(int count, CancellationToken cancellationToken) => _bytes.AcquireAsync(count, cancellationToken);

    public void Dispose()
    {
        _requests.Dispose();
        _bytes.Dispose();
    }
}
