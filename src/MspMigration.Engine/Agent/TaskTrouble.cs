namespace MspMigration.Engine.Agent;

/// <summary>What to do after a task's store failed as a whole.</summary>
internal enum TroubleVerdict
{
    /// <summary>Try again after the pause; the cause is the one already reported.</summary>
    Retry,
    /// <summary>Try again after the pause; the cause is new, so tell the operator.</summary>
    RetryNewCause,
    /// <summary>The store has failed for the whole allowance: fail the task.</summary>
    GiveUp,
}

/// <summary>
/// A task whose store keeps failing as a whole (connection refused, time-outs, 5xx on every
/// request). The task is held back for a growing pause between attempts (1 s doubling to 30 s)
/// and failed once the store has failed for <c>give_up_seconds</c> without a success in
/// between, so that an unreachable endpoint ends a task, and a script, instead of hanging it.
/// </summary>
internal sealed class TaskTrouble(TimeSpan giveUpAfter, Func<DateTimeOffset>? clock = null)
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);
    private readonly Func<DateTimeOffset> _now = clock ?? (() => DateTimeOffset.UtcNow);
    private readonly object _gate = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _retryAt;
    private string? _cause;
    // Read without the lock on every object a worker takes: false is the common case.
    private volatile bool _troubled;

    /// <summary>How many failures in a row, for the reason a failed task gives.</summary>
    public int Failures { get; private set; }

    /// <summary>True while the task waits for its next attempt.</summary>
    public bool Waiting
    {
        get
        {
            if (!_troubled) return false;
            lock (_gate) return _since is not null && _now() < _retryAt;
        }
    }

    /// <summary>How long the store has been failing, for the reason a failed task gives.</summary>
    public TimeSpan FailingFor
    {
        get { lock (_gate) return _since is { } since ? _now() - since : TimeSpan.Zero; }
    }

    public TroubleVerdict Record(string cause)
    {
        lock (_gate)
        {
            var now = _now();
            _since ??= now;
            _troubled = true;
            Failures++;
            if (now - _since.Value >= giveUpAfter) return TroubleVerdict.GiveUp;
            var pause = TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, Failures - 1)));
            // The last attempt falls at the allowance's end, so the task fails on time.
            var end = _since.Value + giveUpAfter;
            _retryAt = now + pause < end ? now + pause : end;
            var isNew = cause != _cause;
            _cause = cause;
            return isNew ? TroubleVerdict.RetryNewCause : TroubleVerdict.Retry;
        }
    }

    /// <summary>A request succeeded: the store is back.</summary>
    public void Clear()
    {
        if (!_troubled) return;
        lock (_gate)
        {
            _troubled = false;
            _since = null;
            _cause = null;
            Failures = 0;
        }
    }
}
