using System.Diagnostics;

namespace MspMigration.Cmdlets.Progress;

/// <summary>
/// Recent throughput from successive counter readings. A task's lifetime average hides a stall
/// or a speed-up; the last half minute is what an ETA should extrapolate.
/// </summary>
internal sealed class RateMeter(TimeSpan window)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<(TimeSpan At, long Objects, long Bytes)> _samples = new();

    public void Add(long objects, long bytes)
    {
        var now = _clock.Elapsed;
        _samples.Enqueue((now, objects, bytes));
        while (_samples.Count > 2 && now - _samples.Peek().At > window) _samples.Dequeue();
    }

    /// <summary>Objects and bytes per second over the window; null until two readings a moment apart exist.</summary>
    public (double Objects, double Bytes)? PerSecond
    {
        get
        {
            if (_samples.Count < 2) return null;
            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.At - first.At).TotalSeconds;
            if (seconds < 0.5) return null;
            return (Math.Max(0, last.Objects - first.Objects) / seconds, Math.Max(0, last.Bytes - first.Bytes) / seconds);
        }
    }
}
