using MspMigration.Engine.Limits;

namespace MspMigration.Tests.Unit.Limits;

public class RateParserTests
{
    [Theory]
    [InlineData("50kbit", 6250)]
    [InlineData("10Mbit", 1_250_000)]
    [InlineData("20MB", 20_000_000)]
    [InlineData("20 MB/s", 20_000_000)]
    [InlineData("512KiB", 524_288)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("20971520", 20_971_520)]
    [InlineData("1.5MB", 1_500_000)]
    [InlineData("8b", 1)]
    public void Parses_bandwidth_units(string text, long expected) => Assert.Equal(expected, RateParser.ParseBandwidth(text));

    [Theory]
    [InlineData("fast")]
    [InlineData("10 Mbits")]
    [InlineData("-5MB")]
    [InlineData("MB")]
    [InlineData("")]
    [InlineData("1bit")]
    public void Rejects_bandwidth_it_cannot_read(string text)
    {
        var e = Assert.Throws<MigrationException>(() => RateParser.ParseBandwidth(text));
        Assert.Equal("InvalidLimit", e.ErrorId);
        Assert.Equal(text, e.Target);
    }

    [Theory]
    [InlineData("500", 500)]
    [InlineData("0.5", 0.5)]
    public void Parses_qps(string text, double expected) => Assert.Equal(expected, RateParser.ParseQps(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("NaN")]
    public void Rejects_qps_it_cannot_read(string text) =>
        Assert.Equal("InvalidLimit", Assert.Throws<MigrationException>(() => RateParser.ParseQps(text)).ErrorId);
}

public class TimeWindowTests
{
    [Theory]
    [InlineData("21:00-06:00", "22:30", true)]
    [InlineData("21:00-06:00", "05:59", true)]
    [InlineData("21:00-06:00", "06:00", false)]
    [InlineData("21:00-06:00", "12:00", false)]
    [InlineData("09:00-17:30", "09:00", true)]
    [InlineData("09:00-17:30", "17:30", false)]
    [InlineData("9:00 - 17:30", "10:00", true)]
    public void Contains_wraps_past_midnight(string window, string now, bool expected) =>
        Assert.Equal(expected, TimeWindow.Parse(window).Contains(TimeOnly.Parse(now)));

    [Theory]
    [InlineData("21:00")]
    [InlineData("25:00-06:00")]
    [InlineData("06:00-06:00")]
    [InlineData("evening")]
    public void Rejects_windows_that_never_open_or_cannot_be_read(string text) =>
        Assert.Equal("InvalidTimeWindow", Assert.Throws<MigrationException>(() => TimeWindow.Parse(text)).ErrorId);
}

public class AdjustableRateLimiterTests
{
    [Fact]
    public async Task Holds_a_rate_and_takes_a_new_one()
    {
        using var limiter = new AdjustableRateLimiter { Rate = 200 };
        // The bucket starts full (one second's worth); draining 400 tokens then takes about one second.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await limiter.AcquireAsync(400, CancellationToken.None);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.7, 2.5);
        limiter.Rate = 0; // unlimited
        clock.Restart();
        await limiter.AcquireAsync(1_000_000, CancellationToken.None);
        Assert.True(clock.Elapsed.TotalSeconds < 0.5);
    }
}
