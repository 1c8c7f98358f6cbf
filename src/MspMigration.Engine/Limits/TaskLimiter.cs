using System.Diagnostics;

namespace MspMigration.Engine.Limits;

/// <summary>
/// One task's limits inside one agent. The task's limits are for the whole cluster: each agent
/// takes an equal share, recomputed as agents come and go.
/// </summary>
/// <param name="waited">Told how long each wait for a limit lasted ("qps" or "bandwidth"), when one had to wait.</param>
public sealed class TaskLimiter(Action<string, TimeSpan>? waited = null) : IDisposable
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
    public ValueTask AcquireRequestAsync(CancellationToken cancellationToken) => Timed(_requests.AcquireAsync(1, cancellationToken), "qps");

    public ValueTask AcquireBytesAsync(int count, CancellationToken cancellationToken) => Timed(_bytes.AcquireAsync(count, cancellationToken), "bandwidth");

    // A grant that was at hand completes at once and costs nothing; only real waits are timed.
    private ValueTask Timed(ValueTask acquire, string limit)
    {
        if (acquire.IsCompletedSuccessfully || waited is null) return acquire;
        return Wait(acquire, limit, Stopwatch.GetTimestamp());
    }

    private async ValueTask Wait(ValueTask acquire, string limit, long started)
    {
        await acquire.ConfigureAwait(false);
        waited!(limit, Stopwatch.GetElapsedTime(started));
    }

    public void Dispose()
    {
        _requests.Dispose();
        _bytes.Dispose();
    }
}
