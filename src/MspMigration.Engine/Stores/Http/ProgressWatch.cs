namespace MspMigration.Engine.Stores.Http;

/// <summary>
/// Watches one HTTP exchange for progress. While something waits on the network (sending, waiting
/// for the answer, a pending read of the body) and no byte has moved for the stall time, or when
/// the exchange outlives its cap, the watch fires: it cancels its token and runs the abort
/// action (closing the response stream, which ends a read that no token reaches). Time spent
/// with nothing waiting (a consumer busy elsewhere) is not a stall.
/// </summary>
internal sealed class ProgressWatch : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Timer _timer;
    private readonly long _stallMs;
    private long _lastProgress = Environment.TickCount64;
    private long _deadline;
    private int _waiting;
    private int _fired;
    private Action? _abort;

    public ProgressWatch(TimeSpan stall, TimeSpan? cap, CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _stallMs = (long)stall.TotalMilliseconds;
        Stall = stall;
        SetCap(cap);
        // Checked a few times per stall period, so a stall is noticed within a fifth of it.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(stall.TotalMilliseconds, cap?.TotalMilliseconds ?? double.MaxValue) / 5, 50, 1000));
        _timer = new Timer(static s => ((ProgressWatch)s!).Check(), this, period, period);
    }

    public TimeSpan Stall { get; }
    public TimeSpan? Cap { get; private set; }
    public CancellationToken Token => _cts.Token;
    public bool Fired => Volatile.Read(ref _fired) != 0;
    /// <summary>Why the watch fired, for the error message.</summary>
    public string? Reason { get; private set; }

    /// <summary>Limits the exchange from now on to <paramref name="cap"/> in all (null: no limit).</summary>
    public void SetCap(TimeSpan? cap)
    {
        Cap = cap;
        Volatile.Write(ref _deadline, cap is { } c ? Environment.TickCount64 + (long)c.TotalMilliseconds : long.MaxValue);
    }

    public void OnAbort(Action abort) => _abort = abort;

    public void Progress() => Volatile.Write(ref _lastProgress, Environment.TickCount64);

    /// <summary>Something now waits on the network (until <see cref="EndWait"/>).</summary>
    public void BeginWait()
    {
        if (Interlocked.Increment(ref _waiting) == 1) Progress();
    }

    public void EndWait()
    {
        Progress();
        Interlocked.Decrement(ref _waiting);
    }

    private void Check()
    {
        var now = Environment.TickCount64;
        if (now >= Volatile.Read(ref _deadline))
            Fire($"it took longer than {Cap!.Value.TotalSeconds:0.#} s");
        else if (Volatile.Read(ref _waiting) > 0 && now - Volatile.Read(ref _lastProgress) >= _stallMs)
            Fire($"no bytes moved for {Stall.TotalSeconds:0.#} s (stall_seconds)");
    }

    private void Fire(string reason)
    {
        if (Interlocked.Exchange(ref _fired, 1) != 0) return;
        Reason = reason;
        _timer.Dispose();
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        try { _abort?.Invoke(); } catch (Exception) { /* the exchange is being abandoned anyway */ }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cts.Dispose();
    }
}
