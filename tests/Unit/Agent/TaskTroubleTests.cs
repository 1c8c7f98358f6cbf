using MspMigration.Engine.Agent;

namespace MspMigration.Tests.Unit.Agent;

public class TaskTroubleTests
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TaskTrouble New(int giveUpSeconds) => new(TimeSpan.FromSeconds(giveUpSeconds), () => _now);

    [Fact]
    public void Waits_a_growing_pause_and_gives_up_at_the_allowance()
    {
        var trouble = New(10);
        Assert.Equal(TroubleVerdict.RetryNewCause, trouble.Record("refused"));
        Assert.True(trouble.Waiting);
        _now += TimeSpan.FromSeconds(1);
        Assert.False(trouble.Waiting); // first pause: 1 s
        Assert.Equal(TroubleVerdict.Retry, trouble.Record("refused"));
        _now += TimeSpan.FromSeconds(1.5);
        Assert.True(trouble.Waiting); // second pause: 2 s
        _now += TimeSpan.FromSeconds(0.5);
        Assert.Equal(TroubleVerdict.Retry, trouble.Record("refused"));
        _now += TimeSpan.FromSeconds(4);
        Assert.Equal(TroubleVerdict.Retry, trouble.Record("refused")); // 6.5 s in, next pause ends at the allowance
        _now += TimeSpan.FromSeconds(3.5);
        Assert.False(trouble.Waiting);
        Assert.Equal(TroubleVerdict.GiveUp, trouble.Record("refused"));
        Assert.Equal(5, trouble.Failures);
    }

    [Fact]
    public void A_new_cause_is_news_and_a_success_starts_over()
    {
        var trouble = New(10);
        trouble.Record("refused");
        Assert.Equal(TroubleVerdict.RetryNewCause, trouble.Record("503"));
        _now += TimeSpan.FromSeconds(9);
        trouble.Clear();
        Assert.False(trouble.Waiting);
        _now += TimeSpan.FromSeconds(5);
        Assert.Equal(TroubleVerdict.RetryNewCause, trouble.Record("503")); // the allowance starts again
        _now += TimeSpan.FromSeconds(9);
        Assert.Equal(TroubleVerdict.Retry, trouble.Record("503"));
    }
}
