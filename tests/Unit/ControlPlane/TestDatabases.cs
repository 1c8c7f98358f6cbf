using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.ControlPlane.Postgres;
using MspMigration.Engine.ControlPlane.Sqlite;
using Npgsql;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>Throwaway control planes: a SQLite file in a temporary folder, or a PostgreSQL schema of its own.</summary>
public static class TestDatabases
{
    /// <summary>Connection string of a test server (password from PGPASSWORD), e.g. from tests/infra/postgres.sh.</summary>
    public const string PostgresVariable = "MSPMIGRATION_TEST_PG";

    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;
}

/// <summary>Creates stores that all see one database, and removes the database afterwards.</summary>
public interface ITestDatabase : IDisposable
{
    IControlPlane Open();
}

public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "msp-unit-" + Guid.NewGuid().ToString("N")[..10]);

    public string FilePath => Path.Combine(_dir, "controlplane.db");

    public IControlPlane Open() => new SqliteTaskStore(FilePath);

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>Each test gets a schema of its own (search_path), so tests never see each other's rows.</summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _admin;

    public PostgresTestDatabase()
    {
        _admin = TestDatabases.PostgresConnectionString ?? throw new InvalidOperationException($"{TestDatabases.PostgresVariable} is not set.");
        Admin($"CREATE SCHEMA {_schema}");
    }

    public IControlPlane Open() => new PostgresTaskStore(ConnectionString, null);

    /// <summary>Connects to this test's schema only.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema, MaxPoolSize = 20 }.ConnectionString;

    public string Schema => _schema;

    public void Dispose() => Admin($"DROP SCHEMA IF EXISTS {_schema} CASCADE");

    private void Admin(string sql)
    {
        using var source = NpgsqlDataSource.Create(PostgresConnection.Build(_admin, null));
        using var cmd = source.CreateCommand(sql);
        cmd.ExecuteNonQuery();
    }
}
