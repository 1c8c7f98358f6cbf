using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Limits;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Metrics;

public class AgentMetricsTests
{
    private static double Sample(string text, string series)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_task_appears_at_zero_and_counts_outcomes_and_bytes()
    {
        var metrics = new AgentMetrics("a1");
        var task = metrics.ForTask("photos");
        var zero = await metrics.ExportTextAsync();
        Assert.Equal(0, Sample(zero, "mspmigration_objects_total{task=\"photos\",outcome=\"failed\"}"));
        Assert.Equal(0, Sample(zero, "mspmigration_retries_total{task=\"photos\",layer=\"request\",reason=\"throttled\"}"));

        task.Recorded(ObjectOutcome.Succeeded, 100, 999);
        task.Recorded(ObjectOutcome.Succeeded, 50, 50);
        task.Recorded(ObjectOutcome.Skipped, 0, 30);
        task.Recorded(ObjectOutcome.Failed, 0, 7);
        task.ObjectStarted();
        task.Retried("request", new StoreException(StoreErrorKind.Transient, "busy", reason: FailureReason.Throttled));
        var text = await metrics.ExportTextAsync();
        Assert.Equal(2, Sample(text, "mspmigration_objects_total{task=\"photos\",outcome=\"succeeded\"}"));
        Assert.Equal(150, Sample(text, "mspmigration_object_bytes_total{task=\"photos\",outcome=\"succeeded\"}"));
        Assert.Equal(30, Sample(text, "mspmigration_object_bytes_total{task=\"photos\",outcome=\"skipped\"}"));
        Assert.Equal(7, Sample(text, "mspmigration_object_bytes_total{task=\"photos\",outcome=\"failed\"}"));
        Assert.Equal(1, Sample(text, "mspmigration_objects_in_flight{task=\"photos\"}"));
        Assert.Equal(1, Sample(text, "mspmigration_retries_total{task=\"photos\",layer=\"request\",reason=\"throttled\"}"));
        Assert.Equal(1, Sample(text, "mspmigration_agent_info{agent=\"a1\"}"));
    }

    [Fact]
    public async Task Two_agents_in_one_process_keep_their_own_counts()
    {
        var first = new AgentMetrics("a1");
        var second = new AgentMetrics("a2");
        first.ForTask("t").Recorded(ObjectOutcome.Succeeded, 1, 1);
        Assert.DoesNotContain("task=\"t\"", await second.ExportTextAsync());
        Assert.Equal(1, Sample(await first.ExportTextAsync(), "mspmigration_objects_total{task=\"t\",outcome=\"succeeded\"}"));
    }

    [Fact]
    public async Task Late_renewals_and_lost_listings_count_as_losses()
    {
        var metrics = new AgentMetrics("a1");
        metrics.LeasesRenewed();
        metrics.LeaseRenewalFailed();
        metrics.SegmentLeasesLost(3);
        metrics.ListingLeaseLost();
        var text = await metrics.ExportTextAsync();
        Assert.Equal(1, Sample(text, "mspmigration_lease_renewals_total{result=\"ok\"}"));
        Assert.Equal(1, Sample(text, "mspmigration_lease_renewals_total{result=\"failed\"}"));
        Assert.Equal(3, Sample(text, "mspmigration_lease_losses_total{lease=\"segment\"}"));
        Assert.Equal(1, Sample(text, "mspmigration_lease_losses_total{lease=\"listing\"}"));
        Assert.InRange(Sample(text, "mspmigration_lease_renewal_age_seconds"), 0, 5);
    }

    [Fact]
    public async Task A_limiter_reports_only_waits_that_waited()
    {
        var waits = new List<(string Limit, TimeSpan Waited)>();
        using var limiter = new TaskLimiter((limit, waited) => { lock (waits) waits.Add((limit, waited)); });
        limiter.Update(qps: null, bandwidth: null, liveAgents: 1);
        await limiter.AcquireRequestAsync(CancellationToken.None);
        Assert.Empty(waits);

        limiter.Update(qps: 5, bandwidth: null, liveAgents: 1);
        for (var i = 0; i < 10; i++) await limiter.AcquireRequestAsync(CancellationToken.None);
        Assert.NotEmpty(waits);
        Assert.All(waits, w => Assert.Equal("qps", w.Limit));
        Assert.True(waits.Sum(w => w.Waited.TotalSeconds) > 0.5);
    }
}
