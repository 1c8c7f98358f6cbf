using System.Numerics;

namespace MspMigration.Engine.Limits;

/// <summary>
/// Arrays given back to a <see cref="MemoryBudget"/> and kept for reuse, by size class. Not
/// thread-safe: the budget calls it under its lock and decides how much it may keep.
/// </summary>
internal sealed class IdleBuffers
{
    public const int SmallestClass = 64 * 1024;
    private const int MiB = 1024 * 1024;

    private readonly Dictionary<int, Stack<byte[]>> _bySize = [];

    /// <summary>Bytes kept.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// The array length handed out for a request. Transfer buffers are part-sized (whole MiB, 8 by
    /// default) and read-ahead ranges are part-sized too, so from 1 MiB up sizes round to a whole
    /// MiB: parts and ranges reuse each other's arrays exactly, a last part or a single PUT wastes
    /// less than 1 MiB. Below 1 MiB (small single PUTs) powers of two from 64 KiB keep the number
    /// of classes small at a waste that is small in bytes.
    /// </summary>
    public static int SizeClass(int bytes)
    {
        if (bytes <= SmallestClass) return SmallestClass;
        if (bytes <= MiB) return (int)BitOperations.RoundUpToPowerOf2((uint)bytes);
        var rounded = ((long)bytes + MiB - 1) / MiB * MiB;
        return rounded <= System.Array.MaxLength ? (int)rounded : bytes;
    }

    /// <summary>The smallest kept array of at least <paramref name="size"/> and at most <paramref name="most"/> bytes, if any.</summary>
    public byte[]? TakeAtLeast(int size, long most)
    {
        var best = int.MaxValue;
        foreach (var length in _bySize.Keys)
            if (length >= size && length <= most && length < best) best = length;
        return best == int.MaxValue ? null : Take(best);
    }

    public byte[]? Take(int size)
    {
        if (!_bySize.TryGetValue(size, out var stack)) return null;
        var array = stack.Pop();
        if (stack.Count == 0) _bySize.Remove(size);
        Bytes -= size;
        return array;
    }

    public void Keep(byte[] array)
    {
        if (!_bySize.TryGetValue(array.Length, out var stack)) _bySize[array.Length] = stack = new Stack<byte[]>();
        stack.Push(array);
        Bytes += array.Length;
    }

    /// <summary>Lets go of kept arrays (the GC takes them) until at most <paramref name="limit"/> bytes are kept.</summary>
    public void TrimTo(long limit)
    {
        while (Bytes > limit)
        {
            var size = _bySize.Keys.First();
            Take(size);
        }
    }
}
