using MspMigration.Engine.Limits;

namespace MspMigration.Tests.Unit.Limits;

public class MemoryBudgetTests
{
    private const long MiB = MemoryBudget.MiB;

    [Fact]
    public async Task A_waiter_gets_memory_when_it_is_released_in_order()
    {
        var budget = new MemoryBudget(16 * MiB);
        await budget.AcquireAsync(8 * MiB, CancellationToken.None);
        await budget.AcquireAsync(8 * MiB, CancellationToken.None); // charged at most half: 8 MiB
        var first = budget.AcquireAsync(6 * MiB, CancellationToken.None);
        var second = budget.AcquireAsync(1 * MiB, CancellationToken.None);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted); // no overtaking the waiter ahead
        budget.Release(8 * MiB);
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(15 * MiB, budget.InUse);
    }

    [Fact]
    public async Task Read_ahead_never_waits_nor_takes_more_than_half_nor_jumps_a_waiter()
    {
        var budget = new MemoryBudget(16 * MiB);
        Assert.True(budget.TryAcquireAhead(8 * MiB));
        Assert.False(budget.TryAcquireAhead(1 * MiB));
        await budget.AcquireAsync(8 * MiB, CancellationToken.None);
        var waiting = budget.AcquireAsync(1 * MiB, CancellationToken.None);
        budget.ReleaseAhead(8 * MiB);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(9 * MiB, budget.InUse);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var budget = new MemoryBudget(4 * MiB);
        await budget.AcquireAsync(2 * MiB, CancellationToken.None);
        await budget.AcquireAsync(2 * MiB, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = budget.AcquireAsync(2 * MiB, cts.Token);
        var behind = budget.AcquireAsync(1 * MiB, CancellationToken.None);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        budget.Release(2 * MiB);
        await behind.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3 * MiB, budget.InUse);
    }
}
