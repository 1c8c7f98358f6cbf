using System.Threading.RateLimiting;

namespace MspMigration.Engine.Limits;

/// <summary>
/// A token bucket whose rate can change while requests wait on it: a change swaps in a new
/// bucket, and requests that were waiting on the old one simply ask the new one.
/// </summary>
public sealed class AdjustableRateLimiter : IDisposable
{
    private readonly object _gate = new();
    private TokenBucketRateLimiter? _current;
    private double _rate;

    /// <summary>Tokens per second; 0 or less means unlimited.</summary>
    public double Rate
    {
        get => _rate;
        set
        {
            lock (_gate)
            {
                if (Math.Abs(value - _rate) < 1e-9) return;
                _rate = value;
                var old = _current;
                _current = value > 0 ? Create(value) : null;
                old?.Dispose();
            }
        }
    }

    // Replenish ten times a second for smoothness; the bucket holds one second of tokens, so a
    // long-idle agent cannot burst past the limit by more than a second's worth.
    private static TokenBucketRateLimiter Create(double rate) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Clamp(Math.Ceiling(rate), 1, int.MaxValue),
        TokensPerPeriod = (int)Math.Clamp(Math.Ceiling(rate / 10), 1, int.MaxValue),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(Math.Clamp(1000 * Math.Ceiling(rate / 10) / rate, 1, 60_000)),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    public async ValueTask AcquireAsync(long tokens, CancellationToken cancellationToken)
    {
        while (tokens > 0)
        {
            TokenBucketRateLimiter? limiter;
            lock (_gate) limiter = _current;
            if (limiter is null) return;
            // A request larger than the bucket could never be granted: take it in bucket-sized bites.
            var bite = (int)Math.Min(tokens, (long)Math.Max(1, Math.Ceiling(_rate)));
            RateLimitLease lease;
            try
            {
                lease = await limiter.AcquireAsync(bite, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                continue; // the rate changed while we waited
            }
            using (lease)
            {
                if (lease.IsAcquired) tokens -= bite;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }
}
