using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane.Postgres;

namespace MspMigration.Tests.Unit.Configuration;

/// <summary>agent.toml's [control_plane] and the PostgreSQL password, which must never show.</summary>
public sealed class ControlPlaneConfigTests
{
    private const string Secret = "s3cr3t-Passw0rd-for-tests";

    [Fact]
    public void Postgres_connection_and_password_variable_are_read()
    {
        var config = ConfigParser.Parse("""
            [control_plane]
            postgres = "Host=10.0.0.2;Port=5433;Username=msp;Database=migration"
            password_env = "MSP_PG_PASSWORD"
            """, "/etc/msp/agent.toml");
        Assert.Equal(ControlPlaneConfig.Postgres, config.ControlPlane.Kind);
        Assert.Equal("MSP_PG_PASSWORD", config.ControlPlane.PasswordVariable);
        Assert.Equal("postgres", config.ControlPlane.ToString());
    }

    [Theory]
    [InlineData("sqlite = \"a.db\"\npostgres = \"Host=x\"", "both")]
    [InlineData("sqlite = \"a.db\"\npassword_env = \"X\"", "password_env")]
    [InlineData("postgres = \"Host=x\"\npassword_env = \"A=B\"", "password_env")]
    public void Contradictory_settings_are_refused(string body, string mentions)
    {
        var e = Assert.Throws<MigrationException>(() => ConfigParser.Parse("[control_plane]\n" + body, "/etc/msp/agent.toml"));
        Assert.Equal("ConfigInvalid", e.ErrorId);
        Assert.Equal(MigrationErrorKind.InvalidData, e.Kind);
        Assert.Contains(mentions, e.Message);
    }

    [Fact]
    public void The_password_comes_from_the_named_variable_and_stays_out_of_the_description()
    {
        Environment.SetEnvironmentVariable("MSP_TEST_PG_PASSWORD", Secret);
        try
        {
            var builder = PostgresConnection.Build("Host=db.internal;Port=5433;Username=msp;Database=migration", "MSP_TEST_PG_PASSWORD");
            Assert.Equal(Secret, builder.Password);
            var description = PostgresConnection.Describe(builder);
            Assert.Equal("postgres://msp@db.internal:5433/migration", description);
            Assert.Equal("password ***", SecretRedactor.Redact("password " + Secret));
            using var store = new PostgresTaskStore("Host=db.internal;Username=msp;Database=migration", "MSP_TEST_PG_PASSWORD");
            Assert.DoesNotContain(Secret, store.Description);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MSP_TEST_PG_PASSWORD", null);
        }
    }

    [Fact]
    public void A_missing_password_variable_is_named()
    {
        var e = Assert.Throws<MigrationException>(() => PostgresConnection.Build("Host=h;Username=u;Database=d", "MSP_TEST_PG_UNSET_VARIABLE"));
        Assert.Equal("ControlPlanePasswordMissing", e.ErrorId);
        Assert.Equal(MigrationErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("MSP_TEST_PG_UNSET_VARIABLE", e.Target);
    }

    [Fact]
    public void A_bad_connection_string_is_reported_without_its_password()
    {
        var e = Assert.Throws<MigrationException>(() => PostgresConnection.Build($"Host=h;Password={Secret};Bogus Key=1", null));
        Assert.Equal("ControlPlaneConnectionInvalid", e.ErrorId);
        Assert.Equal(MigrationErrorKind.InvalidArgument, e.Kind);
        Assert.DoesNotContain(Secret, e.Message);
        Assert.DoesNotContain(Secret, Assert.IsType<string>(e.Target));
        Assert.Contains("Bogus Key", (string)e.Target!);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_connection_error_without_the_password()
    {
        Environment.SetEnvironmentVariable("MSP_TEST_PG_PASSWORD2", Secret);
        try
        {
            using var store = new PostgresTaskStore("Host=127.0.0.1;Port=1;Username=u;Database=d;Timeout=2", "MSP_TEST_PG_PASSWORD2");
            var e = await Assert.ThrowsAsync<MigrationException>(() => store.InitializeAsync(CancellationToken.None));
            Assert.Equal("ControlPlaneUnavailable", e.ErrorId);
            Assert.Equal(MigrationErrorKind.ConnectionError, e.Kind);
            Assert.DoesNotContain(Secret, e.Message);
            Assert.Equal("postgres://u@127.0.0.1:1/d", e.Target);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MSP_TEST_PG_PASSWORD2", null);
        }
    }
}
