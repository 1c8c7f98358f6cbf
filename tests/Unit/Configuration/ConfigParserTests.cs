using MspMigration.Engine.Configuration;

namespace MspMigration.Tests.Unit.Configuration;

public class ConfigParserTests
{
    [Fact]
    public void Reads_agent_control_plane_and_profiles()
    {
        var config = ConfigParser.Parse("""
            [agent]
            name = "a1"
            address = "172.16.0.94"
            concurrency = 8
            lease_seconds = 20

            [control_plane]
            sqlite = "cp.db"

            [profiles.ali]
            type = "oss"
            access_key_secret = "s3cr3t-value"
            """, "/etc/msp/agent.toml");
        Assert.Equal("a1", config.AgentName);
        Assert.Equal("172.16.0.94", config.Address);
        Assert.Equal(8, config.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(20), config.LeaseDuration);
        Assert.Equal(Path.GetFullPath("/etc/msp/cp.db"), config.ControlPlane.Location);
        Assert.Equal("s3cr3t-value", config.FindProfile("ali")!.Get("ACCESS_KEY_SECRET"));
    }

    [Fact]
    public void A_world_readable_file_keeps_every_setting_beside_its_warning()
    {
        if (OperatingSystem.IsWindows()) return; // Unix permissions only
        var path = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, """
            [agent]
            give_up_seconds = 8
            segment_objects = 7
            list_page_size = 50

            [profiles.p]
            type = "s3"
            secret_access_key = "x"
            """);
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var config = ConfigParser.ParseFile(path);
            Assert.Contains(config.Warnings, w => w.Contains("readable by every user"));
            Assert.Equal(TimeSpan.FromSeconds(8), config.GiveUpAfter);
            Assert.Equal(7, config.SegmentObjects);
            Assert.Equal(50, config.ListPageSize);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reads_stall_seconds_with_a_default_of_thirty()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ConfigParser.Parse("[agent]\nname = \"a\"\n", "/a.toml").StallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), ConfigParser.Parse("[agent]\nstall_seconds = 4\n", "/a.toml").StallTimeout);
        var e = Assert.Throws<MigrationException>(() => ConfigParser.Parse("[agent]\nstall_seconds = 0\n", "/a.toml"));
        Assert.Contains("stall_seconds", e.Message);
    }

    [Fact]
    public void A_profile_prints_without_its_secrets() =>
        Assert.DoesNotContain("s3cr3t", new CredentialProfile("p", new() { ["secret_key"] = "s3cr3t" }).ToString());

    [Theory]
    [InlineData("[agent]\nconcurrency = 0", "concurrency")]
    [InlineData("[agent]\nconcurrency = \"many\"", "concurrency")]
    [InlineData("agent = 1", "agent")]
    [InlineData("[agent\nname=", "not valid TOML")]
    [InlineData("[profiles]\nali = 3", "profiles.ali")]
    public void Names_the_offending_setting(string toml, string expected)
    {
        var e = Assert.Throws<MigrationException>(() => ConfigParser.Parse(toml, "/x/agent.toml"));
        Assert.Equal("ConfigInvalid", e.ErrorId);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Invalid_toml_does_not_echo_secret_values()
    {
        var e = Assert.Throws<MigrationException>(() =>
            ConfigParser.Parse("[profiles.x]\nsecret_key = \"TOPSECRETVALUE\nnext = 1", "/x/agent.toml"));
        Assert.DoesNotContain("TOPSECRETVALUE", e.Message);
    }

    [Fact]
    public void Redactor_masks_registered_secrets()
    {
        SecretRedactor.Register("AKID-very-secret-123");
        Assert.Equal("denied for *** on bucket", SecretRedactor.Redact("denied for AKID-very-secret-123 on bucket"));
    }
}

public class ConfigTypoTests
{
    [Fact]
    public void Unknown_settings_and_sections_are_warned_of_with_line_and_nearest_name()
    {
        var config = ConfigParser.Parse("[agent]\nname = \"a\"\nconcurency = 4\n\n[bogus]\nx = 1\n[control_plane]\nsqlit = \"cp.db\"\n", "/x/agent.toml");
        Assert.Equal(16, config.Concurrency);
        var text = string.Join("\n", config.Warnings);
        Assert.Contains("'/x/agent.toml' line 3: unknown setting 'concurency' of [agent] is ignored; did you mean 'concurrency'?", text);
        Assert.Contains("line 5: unknown section [bogus]", text);
        Assert.Contains("line 8: unknown setting 'sqlit' of [control_plane] is ignored; did you mean 'sqlite'?", text);
    }

    [Fact]
    public void A_misspelt_profile_setting_is_warned_of()
    {
        var config = ConfigParser.Parse("[profiles.ali]\ntype = \"oss\"\nregoin = \"cn-hangzhou\"\naccess_key_id = \"k\"\nsecret_access_key = \"s\"\n", "/x/agent.toml");
        Assert.Contains(config.Warnings, w => w.Contains("line 3") && w.Contains("'regoin'") && w.Contains("'region'"));
    }

    [Fact]
    public void A_known_file_has_no_warnings()
    {
        var config = ConfigParser.Parse("[agent]\nname = \"a\"\nmax_attempts = 2\n[control_plane]\nsqlite = \"cp.db\"\n[profiles.p]\ntype = \"s3\"\nendpoint = \"http://x\"\naccess_key_id = \"k\"\nsecret_access_key = \"s\"\n", "/x/agent.toml");
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void A_profile_type_that_is_not_oss_cos_or_s3_is_invalid()
    {
        var e = Assert.Throws<MigrationException>(() => ConfigParser.Parse("[profiles.ali]\ntype = \"osss\"\n", "/x/agent.toml"));
        Assert.Equal("ConfigInvalid", e.ErrorId);
        Assert.Contains("'osss'", e.Message);
    }

    [Theory]
    [InlineData("concurency", "concurrency")]
    [InlineData("poll_second", "poll_seconds")]
    [InlineData("LEASE_SECONDS", "lease_seconds")]
    public void Nearest_name_is_found_by_edit_distance(string typed, string expected) =>
        Assert.Equal(expected, NearestName.Find(typed, ["name", "concurrency", "poll_seconds", "lease_seconds", "heartbeat_seconds"]));
}
