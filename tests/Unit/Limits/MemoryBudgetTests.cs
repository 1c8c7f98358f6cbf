using MspMigration.Engine.Limits;

namespace MspMigration.Tests.Unit.Limits;

public class MemoryBudgetTests
{
    private const int MiB = (int)MemoryBudget.MiB;
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_waiter_gets_memory_when_it_is_released_in_order()
    {
        var budget = new MemoryBudget(16 * MiB);
        var a = await budget.RentAsync(8 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(8 * MiB, CancellationToken.None); // charged at most half: 8 MiB
        var first = budget.RentAsync(6 * MiB, CancellationToken.None).AsTask();
        var second = budget.RentAsync(1 * MiB, CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted); // no overtaking the waiter ahead
        a.Dispose();
        using var c = await first.WaitAsync(Soon);
        using var d = await second.WaitAsync(Soon);
        Assert.Equal(15 * MiB, budget.InUse);
        Assert.True(c.Array.Length >= 6 * MiB && d.Array.Length >= 1 * MiB);
    }

    [Fact]
    public async Task Read_ahead_never_waits_nor_takes_more_than_half_nor_jumps_a_waiter()
    {
        var budget = new MemoryBudget(16 * MiB);
        Assert.True(budget.TryRentAhead(8 * MiB, out var ahead));
        Assert.False(budget.TryRentAhead(1 * MiB, out var none));
        Assert.Null(none);
        using var held = await budget.RentAsync(8 * MiB, CancellationToken.None);
        var waiting = budget.RentAsync(1 * MiB, CancellationToken.None).AsTask();
        ahead.Dispose();
        var got = await waiting.WaitAsync(Soon);
        Assert.Equal(16 * MiB, budget.InUse); // the waiter was lent the 8 MiB array read-ahead gave back
        got.Dispose();
        Assert.True(budget.TryRentAhead(1 * MiB, out var later)); // read-ahead's own half is free again
        later.Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_nothing()
    {
        var budget = new MemoryBudget(4 * MiB);
        var a = await budget.RentAsync(2 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(2 * MiB, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = budget.RentAsync(2 * MiB, cts.Token).AsTask();
        var behind = budget.RentAsync(1 * MiB, CancellationToken.None).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(4 * MiB, budget.InUse);
        a.Dispose();
        using var c = await behind.WaitAsync(Soon);
        Assert.Equal(4 * MiB, budget.InUse); // the 2 MiB array a gave back, not a new one
        Assert.Equal(2 * MiB, c.Array.Length);
        b.Dispose();
        c.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_returned_array_is_lent_again()
    {
        var budget = new MemoryBudget(64 * MiB);
        var first = await budget.RentAsync(8 * MiB, CancellationToken.None);
        var array = first.Array;
        first.Dispose();
        Assert.Equal(8 * MiB, budget.Idle);
        using var again = await budget.RentAsync(8 * MiB - 12345, CancellationToken.None); // same size class
        Assert.Same(array, again.Array);
        Assert.Equal(8 * MiB - 12345, again.Length);
        Assert.Equal(0, budget.Idle);
        Assert.True(budget.TryRentAhead(8 * MiB, out var ahead));
        Assert.NotSame(array, ahead.Array);
        var aheadArray = ahead.Array;
        ahead.Dispose();
        using var writer = await budget.RentAsync(8 * MiB, CancellationToken.None); // parts and ranges share arrays
        Assert.Same(aheadArray, writer.Array);
    }

    [Fact]
    public async Task A_larger_kept_array_is_lent_rather_than_one_dropped_for_a_new_one()
    {
        var budget = new MemoryBudget(16 * MiB);
        var a = await budget.RentAsync(8 * MiB, CancellationToken.None);
        var b = await budget.RentAsync(8 * MiB, CancellationToken.None);
        byte[][] arrays = [a.Array, b.Array];
        a.Dispose();
        b.Dispose();
        using var lastPart = await budget.RentAsync(3 * MiB, CancellationToken.None);
        Assert.Contains(lastPart.Array, arrays);
        Assert.Equal(3 * MiB, lastPart.Length);
        Assert.Equal(8 * MiB, budget.InUse); // charged what it holds
        Assert.Equal(16 * MiB, budget.Held);
        using var small = await budget.RentAsync(100_000, CancellationToken.None); // no room but the kept array's
        Assert.Equal(8 * MiB, small.Array.Length);
        Assert.Equal(16 * MiB, budget.InUse);
        Assert.Equal(0, budget.Idle);
    }

    [Fact]
    public async Task A_new_array_is_made_while_there_is_room_beside_the_kept_ones()
    {
        var budget = new MemoryBudget(32 * MiB);
        (await budget.RentAsync(8 * MiB, CancellationToken.None)).Dispose();
        using var lastPart = await budget.RentAsync(3 * MiB, CancellationToken.None);
        Assert.Equal(3 * MiB, lastPart.Array.Length);
        Assert.Equal(8 * MiB, budget.Idle);
    }

    [Fact]
    public async Task A_waiter_behind_keeps_a_larger_array_from_being_lent()
    {
        var budget = new MemoryBudget(16 * MiB);
        var a = await budget.RentAsync(8 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(8 * MiB, CancellationToken.None);
        var first = budget.RentAsync(6 * MiB, CancellationToken.None).AsTask();
        var second = budget.RentAsync(2 * MiB, CancellationToken.None).AsTask();
        a.Dispose();
        using var c = await first.WaitAsync(Soon);
        using var d = await second.WaitAsync(Soon); // served: the first was not charged the whole 8 MiB array
        Assert.Equal(6 * MiB, c.Array.Length);
        Assert.Equal(16 * MiB, budget.Held);
    }

    [Fact]
    public async Task A_waiter_is_handed_the_array_given_back()
    {
        var budget = new MemoryBudget(16 * MiB);
        var a = await budget.RentAsync(8 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(8 * MiB, CancellationToken.None);
        var waiting = budget.RentAsync(8 * MiB, CancellationToken.None).AsTask();
        var array = a.Array;
        a.Dispose();
        using var c = await waiting.WaitAsync(Soon);
        Assert.Same(array, c.Array);
    }

    [Theory]
    [InlineData(1, 64 * 1024)]
    [InlineData(64 * 1024 + 1, 128 * 1024)]
    [InlineData(1_000_000, 1024 * 1024)]
    [InlineData(5 * 1024 * 1024 + 1, 6 * 1024 * 1024)]
    [InlineData(8 * 1024 * 1024, 8 * 1024 * 1024)]
    public async Task Sizes_round_to_a_few_classes_and_are_charged_as_such(int asked, int size)
    {
        var budget = new MemoryBudget(64 * MiB);
        using var buffer = await budget.RentAsync(asked, CancellationToken.None);
        Assert.Equal(size, buffer.Array.Length);
        Assert.Equal(asked, buffer.Length);
        Assert.Equal(size, budget.InUse);
    }

    [Fact]
    public async Task An_oversize_buffer_is_charged_half_and_not_kept()
    {
        var budget = new MemoryBudget(16 * MiB);
        var big = await budget.RentAsync(12 * MiB, CancellationToken.None);
        Assert.Equal(12 * MiB, big.Array.Length);
        Assert.Equal(8 * MiB, budget.InUse);
        Assert.True(budget.TryRentAhead(12 * MiB, out var bigAhead)); // read-ahead's half is still free
        Assert.Equal(16 * MiB, budget.InUse);
        big.Dispose();
        bigAhead.Dispose();
        Assert.Equal(0, budget.InUse);
        Assert.Equal(0, budget.Idle);
    }

    [Fact]
    public async Task Giving_a_buffer_back_twice_credits_it_once()
    {
        var budget = new MemoryBudget(16 * MiB);
        var a = await budget.RentAsync(8 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(8 * MiB, CancellationToken.None);
        a.Dispose();
        using var c = await budget.RentAsync(8 * MiB, CancellationToken.None);
        a.Dispose(); // again: must not free c's memory
        Assert.Equal(16 * MiB, budget.InUse);
        Assert.False(budget.RentAsync(1 * MiB, CancellationToken.None).IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => a.Array);
    }

    [Fact]
    public async Task Idle_arrays_are_dropped_when_lent_and_kept_would_exceed_the_budget()
    {
        var budget = new MemoryBudget(16 * MiB);
        var small = new List<BudgetBuffer>();
        for (var i = 0; i < 4; i++) small.Add(await budget.RentAsync(2 * MiB, CancellationToken.None));
        small.ForEach(s => s.Dispose());
        Assert.Equal(8 * MiB, budget.Idle);
        using var a = await budget.RentAsync(6 * MiB, CancellationToken.None);
        using var b = await budget.RentAsync(6 * MiB, CancellationToken.None);
        Assert.Equal(12 * MiB, budget.InUse);
        Assert.Equal(16 * MiB, budget.Held);
        Assert.Equal(4 * MiB, budget.Idle);
    }

    [Fact]
    public async Task Lent_and_kept_never_exceed_the_budget_under_concurrent_use()
    {
        var budget = new MemoryBudget(32 * MiB);
        var sizes = new[] { 1, 100_000, 700_000, 1 * MiB, 3 * MiB + 5, 8 * MiB, 8 * MiB, 20 * MiB };
        var violations = 0;
        var reused = 0;
        var seen = new System.Runtime.CompilerServices.ConditionalWeakTable<byte[], object>();
        void Check()
        {
            if (budget.Held > budget.Capacity) Interlocked.Increment(ref violations);
        }
        async Task Worker(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 300; i++)
            {
                var size = sizes[random.Next(sizes.Length)];
                using var cts = new CancellationTokenSource(random.Next(4) == 0 ? 1 : 60_000);
                BudgetBuffer buffer;
                if (random.Next(3) == 0)
                {
                    if (!budget.TryRentAhead(size, out var ahead)) continue;
                    buffer = ahead;
                }
                else
                {
                    try { buffer = await budget.RentAsync(size, cts.Token); }
                    catch (OperationCanceledException) { Check(); continue; }
                }
                if (!seen.TryAdd(buffer.Array, seen)) Interlocked.Increment(ref reused);
                buffer.Array[0] = (byte)seed; // the array is ours alone while lent
                Check();
                await Task.Yield();
                Assert.Equal((byte)seed, buffer.Array[0]);
                buffer.Dispose();
                if (random.Next(10) == 0) buffer.Dispose();
                Check();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 32).Select(seed => Task.Run(() => Worker(seed)))).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, violations);
        Assert.Equal(0, budget.InUse);
        Assert.True(budget.Idle <= budget.Capacity);
        Assert.True(reused > 100, $"arrays reused {reused} times");
    }
}
