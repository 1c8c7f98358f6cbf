using MspMigration.Engine.Configuration;

namespace MspMigration.Tests.Unit.Configuration;

public class MetricsSettingTests
{
    private static AgentConfig Parse(string agent) => ConfigParser.Parse($"[agent]\n{agent}\n", "/etc/msp/agent.toml");

    [Fact]
    public void Off_by_default()
    {
        Assert.Null(Parse("name = \"a\"").Metrics);
    }

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1:9464")]
    [InlineData("localhost:9464", "127.0.0.1:9464")]
    [InlineData("9464", "127.0.0.1:9464")]
    [InlineData(":9464", "127.0.0.1:9464")]
    [InlineData("127.0.0.2:1", "127.0.0.2:1")]
    public void Loopback_addresses_need_nothing_more(string value, string served)
    {
        var endpoint = Parse($"metrics = \"{value}\"").Metrics!;
        Assert.True(endpoint.IsLoopback);
        Assert.Equal(served, endpoint.ToString());
    }

    [Theory]
    [InlineData("0.0.0.0:9464", "+")]
    [InlineData("10.0.0.5:9464", "10.0.0.5")]
    public void Other_addresses_only_with_metrics_allow_remote(string value, string listenerHost)
    {
        var refused = Assert.Throws<MigrationException>(() => Parse($"metrics = \"{value}\""));
        Assert.Equal("ConfigInvalid", refused.ErrorId);
        Assert.Contains($"'{value}'", refused.Message);
        Assert.Contains("metrics_allow_remote", refused.Message);

        var endpoint = Parse($"metrics = \"{value}\"\nmetrics_allow_remote = true").Metrics!;
        Assert.False(endpoint.IsLoopback);
        Assert.Equal(listenerHost, endpoint.ListenerHost);
    }

    [Theory]
    [InlineData("127.0.0.1:0", "port")]
    [InlineData("127.0.0.1:65536", "port")]
    [InlineData("127.0.0.1:", "port")]
    [InlineData("127.0.0.1:http", "port")]
    [InlineData("host.example:9464", "IPv4 address or localhost")]
    [InlineData("127.1:9464", "IPv4 address or localhost")]
    [InlineData("::1:9464", "IPv6 addresses cannot be served")]
    [InlineData("[::1]:9464", "IPv6 addresses cannot be served")]
    [InlineData("", "port")]
    public void Bad_values_are_refused_by_name(string value, string why)
    {
        var e = Assert.Throws<MigrationException>(() => Parse($"metrics = \"{value}\""));
        Assert.Equal("ConfigInvalid", e.ErrorId);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_number_instead_of_a_string_is_refused()
    {
        var e = Assert.Throws<MigrationException>(() => Parse("metrics = 9464"));
        Assert.Contains("'metrics' of [agent] must be a string", e.Message);
    }

    [Fact]
    public void Allow_remote_alone_is_refused()
    {
        var e = Assert.Throws<MigrationException>(() => Parse("metrics_allow_remote = true"));
        Assert.Contains("applies only with 'metrics'", e.Message);
    }

    [Fact]
    public void Both_settings_are_known_keys()
    {
        var config = Parse("metrics = \"127.0.0.1:9464\"\nmetrics_allow_remote = false");
        Assert.DoesNotContain(config.Warnings, w => w.Contains("metrics"));
    }
}
