using System.Diagnostics.CodeAnalysis;

namespace MspMigration.Engine.Limits;

/// <summary>
/// The bytes an agent may hold in transfer buffers at once ([agent] memory_mb), shared by every
/// worker and task: part buffers of uploads and read-ahead ranges of downloads are rented from it.
/// The budget owns the arrays: renting charges the budget and hands out an array, giving it back
/// credits both. Given-back arrays are kept for reuse only while the bytes lent plus the bytes
/// kept stay within the budget; beyond that they are dropped, so the arrays alive never exceed it
/// (a process-wide pool such as ArrayPool.Shared keeps arrays per core and per thread, far above).
/// Waiters are served in order, so a large request is not starved by small ones. Read-ahead never
/// waits and may hold at most half the budget: the other half always cycles through buffers that
/// are being filled or sent, so a writer waiting for memory is never blocked by read-ahead that
/// only it would consume. A request larger than half the budget is charged half, so that one
/// large buffer can still move; such an array is never kept, as it holds more than it was charged.
/// </summary>
public sealed class MemoryBudget
{
    public const long MiB = 1024 * 1024;
    public const int DefaultMegabytes = 256;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly IdleBuffers _idle = new();
    private long _available;
    private long _ahead;

    private sealed record Waiter(int Size, long Charge, TaskCompletionSource<byte[]?> Ready);

    public MemoryBudget(long capacity)
    {
        Capacity = Math.Max(MiB, capacity);
        _available = Capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes currently lent out (as charged).</summary>
    public long InUse { get { lock (_gate) return Capacity - _available; } }

    /// <summary>Bytes in arrays given back and kept for reuse.</summary>
    public long Idle { get { lock (_gate) return _idle.Bytes; } }

    /// <summary>Bytes lent (as charged) plus bytes kept, read at one moment: never above <see cref="Capacity"/>.</summary>
    public long Held { get { lock (_gate) return Capacity - _available + _idle.Bytes; } }

    /// <summary>
    /// Rents a buffer of at least <paramref name="bytes"/>, waiting in line for memory. Give it
    /// back with <see cref="BudgetBuffer.Dispose"/>. Cancelled while waiting, it takes nothing.
    /// </summary>
    public async ValueTask<BudgetBuffer> RentAsync(int bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var size = IdleBuffers.SizeClass(bytes);
        var charge = ChargeFor(size);
        byte[]? array = null;
        LinkedListNode<Waiter>? node = null;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= charge) array = TakeLocked(size, charge, ahead: false);
            else node = _waiters.AddLast(new Waiter(size, charge, new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        if (node is not null)
            using (cancellationToken.Register(() => Cancel(node, cancellationToken)))
                array = await node.Value.Ready.Task.ConfigureAwait(false);
        return Lend(array, bytes, size, charge, ahead: false);
    }

    /// <summary>
    /// Rents a read-ahead buffer if the memory is free, nobody waits, and read-ahead stays within
    /// half the budget; never blocks.
    /// </summary>
    public bool TryRentAhead(int bytes, [NotNullWhen(true)] out BudgetBuffer? buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var size = IdleBuffers.SizeClass(bytes);
        var charge = ChargeFor(size);
        byte[]? array;
        lock (_gate)
        {
            if (_waiters.Count > 0 || _available < charge || _ahead + charge > Capacity / 2)
            {
                buffer = null;
                return false;
            }
            array = TakeLocked(size, charge, ahead: true);
        }
        buffer = Lend(array, bytes, size, charge, ahead: true);
        return true;
    }

    /// <summary>Called once per buffer, by <see cref="BudgetBuffer.Dispose"/>.</summary>
    internal void Return(byte[] array, long charge, bool ahead)
    {
        lock (_gate)
        {
            if (ahead) _ahead -= charge;
            _available = Math.Min(Capacity, _available + charge);
            // kept + lent <= capacity  <=>  kept <= available. An oversize array (charged less
            // than its length) is left to the GC.
            if (charge == array.Length && _idle.Bytes + array.Length <= _available) _idle.Keep(array);
            Grant();
        }
    }

    /// <summary>What a buffer of <paramref name="size"/> bytes is charged: at most half the budget.</summary>
    private long ChargeFor(long size) => Math.Min(size, Capacity / 2);

    /// <summary>
    /// Charges the budget and takes a kept array for the request if there is one (null: allocate).
    /// Failing one of its size, when a new array would push kept ones out to the GC (last parts and
    /// single PUTs come in many sizes), the smallest larger kept array is lent instead and charged
    /// in full: moving it from kept to lent leaves lent + kept unchanged and allocates nothing. Not
    /// while others wait: the extra charge would delay them.
    /// </summary>
    private byte[]? TakeLocked(int size, long charge, bool ahead)
    {
        byte[]? array = null;
        if (charge == size)
        {
            array = _idle.Take(size);
            if (array is null && _waiters.Count == 0 && size > _available - _idle.Bytes)
                array = _idle.TakeAtLeast(size, ahead ? Capacity / 2 - _ahead : Capacity / 2);
            if (array is not null) charge = array.Length; // affordable: available >= kept >= its length
        }
        _available -= charge;
        if (ahead) _ahead += charge;
        _idle.TrimTo(_available); // lent grew: keep lent + kept within the budget
        return array;
    }

    private BudgetBuffer Lend(byte[]? array, int bytes, int size, long charge, bool ahead)
    {
        if (array is not null) return new BudgetBuffer(this, array, bytes, array.Length, ahead); // a kept array is charged its length
        try
        {
            // Uninitialized: every byte handed on is written first, and zeroing 8 MiB costs time.
            array = GC.AllocateUninitializedArray<byte>(size);
        }
        catch
        {
            lock (_gate)
            {
                if (ahead) _ahead -= charge;
                _available += charge;
                Grant();
            }
            throw;
        }
        return new BudgetBuffer(this, array, bytes, charge, ahead);
    }

    private void Cancel(LinkedListNode<Waiter> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Already granted: the caller gets the buffer and gives it back itself.
            if (node.List is null) return;
            _waiters.Remove(node);
            Grant(); // the head may have changed
        }
        node.Value.Ready.TrySetCanceled(cancellationToken);
    }

    private void Grant()
    {
        while (_waiters.First is { } first && first.Value.Charge <= _available)
        {
            _waiters.RemoveFirst();
            first.Value.Ready.TrySetResult(TakeLocked(first.Value.Size, first.Value.Charge, ahead: false));
        }
    }
}
