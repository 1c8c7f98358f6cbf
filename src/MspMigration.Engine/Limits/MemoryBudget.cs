namespace MspMigration.Engine.Limits;

/// <summary>
/// The bytes an agent may hold in transfer buffers at once ([agent] memory_mb), shared by every
/// worker and task: part buffers of uploads and read-ahead ranges of downloads draw from it.
/// Waiters are served in order, so a large request is not starved by small ones. Read-ahead never
/// waits and may hold at most half the budget: the other half always cycles through buffers that
/// are being filled or sent, so a writer waiting for memory is never blocked by read-ahead that
/// only it would consume. A request larger than half the budget is charged half, so that one
/// large buffer can still move.
/// </summary>
public sealed class MemoryBudget
{
    public const long MiB = 1024 * 1024;
    public const int DefaultMegabytes = 256;

    private readonly object _gate = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource Ready)> _waiters = new();
    private long _available;
    private long _ahead;

    public MemoryBudget(long capacity)
    {
        Capacity = Math.Max(MiB, capacity);
        _available = Capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes currently lent out.</summary>
    public long InUse { get { lock (_gate) return Capacity - _available; } }

    /// <summary>What a lease of <paramref name="bytes"/> really takes: at most half the budget.</summary>
    public long Charge(long bytes) => Math.Clamp(bytes, 0, Capacity / 2);

    /// <summary>
    /// Takes <paramref name="bytes"/> for read-ahead if they are free, nobody waits, and read-ahead
    /// stays within half the budget; never blocks. Given back with <see cref="ReleaseAhead"/>.
    /// </summary>
    public bool TryAcquireAhead(long bytes)
    {
        bytes = Charge(bytes);
        lock (_gate)
        {
            if (_waiters.Count > 0 || _available < bytes || _ahead + bytes > Capacity / 2) return false;
            _available -= bytes;
            _ahead += bytes;
            return true;
        }
    }

    public void ReleaseAhead(long bytes)
    {
        lock (_gate) _ahead -= Charge(bytes);
        Release(bytes);
    }

    public async Task AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        bytes = Charge(bytes);
        LinkedListNode<(long, TaskCompletionSource)> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return;
            }
            node = _waiters.AddLast((bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        using (cancellationToken.Register(() => Cancel(node, cancellationToken)))
            await node.Value.Item2.Task.ConfigureAwait(false);
    }

    public void Release(long bytes)
    {
        bytes = Charge(bytes);
        lock (_gate)
        {
            _available = Math.Min(Capacity, _available + bytes);
            Grant();
        }
    }

    private void Cancel(LinkedListNode<(long, TaskCompletionSource)> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Already granted: the caller owns the bytes and releases them itself.
            if (node.List is null) return;
            _waiters.Remove(node);
            Grant(); // the head may have changed
        }
        node.Value.Item2.TrySetCanceled(cancellationToken);
    }

    private void Grant()
    {
        while (_waiters.First is { } first && first.Value.Bytes <= _available)
        {
            _available -= first.Value.Bytes;
            _waiters.RemoveFirst();
            first.Value.Ready.TrySetResult();
        }
    }
}
