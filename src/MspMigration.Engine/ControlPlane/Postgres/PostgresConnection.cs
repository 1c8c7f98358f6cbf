using MspMigration.Engine.Configuration;
using Npgsql;

namespace MspMigration.Engine.ControlPlane.Postgres;

/// <summary>
/// Turns agent.toml's connection string and password variable into Npgsql settings. The
/// password comes from the environment, is registered for redaction, and never appears in the
/// store's description or in any message built here.
/// </summary>
public static class PostgresConnection
{
    public const string DefaultPasswordVariable = "PGPASSWORD";

    public static NpgsqlConnectionStringBuilder Build(string connectionString, string? passwordVariable)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The driver's message may quote the string, and the string may hold a password.
            throw new MigrationException("ControlPlaneConnectionInvalid", MigrationErrorKind.InvalidArgument,
                "The PostgreSQL connection string of [control_plane] is not valid: expected 'Host=...;Port=...;Username=...;Database=...'.",
                Redacted(connectionString));
        }
        if (string.IsNullOrEmpty(builder.Host))
            throw new MigrationException("ControlPlaneConnectionInvalid", MigrationErrorKind.InvalidArgument,
                "The PostgreSQL connection string of [control_plane] names no Host.", Redacted(connectionString));
        if (string.IsNullOrEmpty(builder.Password))
        {
            var variable = passwordVariable ?? DefaultPasswordVariable;
            var password = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(password) && passwordVariable is not null)
                throw new MigrationException("ControlPlanePasswordMissing", MigrationErrorKind.InvalidArgument,
                    $"The environment variable '{variable}' named by password_env in [control_plane] is not set.", variable);
            if (!string.IsNullOrEmpty(password)) builder.Password = password;
        }
        SecretRedactor.Register(builder.Password);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "mspmigration";
        // An agent needs a handful of connections (heartbeat, journal, claims, listing); a
        // small pool keeps tens of agents well inside the server's max_connections.
        if (!connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase)) builder.MaxPoolSize = 8;
        return builder;
    }

    /// <summary>postgres://user@host:port/database — what operators see; never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var schema = string.IsNullOrEmpty(builder.SearchPath) ? "" : $"?search_path={builder.SearchPath}";
        return $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}{schema}";
    }

    private static string Redacted(string connectionString) => string.Join(';',
        connectionString.Split(';').Where(part => !part.TrimStart().StartsWith("pass", StringComparison.OrdinalIgnoreCase)
                                                  && !part.TrimStart().StartsWith("pwd", StringComparison.OrdinalIgnoreCase)));
}
