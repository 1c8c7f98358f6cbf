using MspMigration.Engine.Configuration;

namespace MspMigration.Tests.Unit.Configuration;

/// <summary>[agent] fsync: on unless turned off, and only true or false.</summary>
public class FsyncSettingTests
{
    [Fact]
    public void Is_on_by_default_and_can_be_turned_off()
    {
        Assert.True(ConfigParser.Parse("[agent]\nname = \"a\"\n", "/x/agent.toml").Fsync);
        Assert.False(ConfigParser.Parse("[agent]\nfsync = false\n", "/x/agent.toml").Fsync);
    }

    [Fact]
    public void Anything_but_a_boolean_is_refused_with_the_setting_named()
    {
        var e = Assert.Throws<MigrationException>(() => ConfigParser.Parse("[agent]\nfsync = \"no\"\n", "/x/agent.toml"));
        Assert.Equal("ConfigInvalid", e.ErrorId);
        Assert.Contains("'fsync'", e.Message);
    }
}
