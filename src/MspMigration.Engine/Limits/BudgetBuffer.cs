namespace MspMigration.Engine.Limits;

/// <summary>
/// A transfer buffer lent by a <see cref="MemoryBudget"/>: the array and the budget it is charged
/// to go back together on <see cref="Dispose"/>. Giving it back twice is harmless; using it after
/// that throws, so a buffer cannot be read after it may already be lent to someone else.
/// </summary>
public sealed class BudgetBuffer : IDisposable
{
    private readonly MemoryBudget _owner;
    private byte[]? _array;

    internal BudgetBuffer(MemoryBudget owner, byte[] array, int length, long charge, bool ahead)
    {
        _owner = owner;
        _array = array;
        Length = length;
        Charge = charge;
        Ahead = ahead;
    }

    /// <summary>The array; it may be longer than <see cref="Length"/> (sizes are rounded so arrays can be reused).</summary>
    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(BudgetBuffer));

    /// <summary>The bytes asked for.</summary>
    public int Length { get; }

    public Memory<byte> Memory => Array.AsMemory(0, Length);

    internal long Charge { get; }
    internal bool Ahead { get; }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null) _owner.Return(array, Charge, Ahead);
    }
}
