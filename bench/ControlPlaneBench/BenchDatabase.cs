using System.Data.Common;
using Microsoft.Data.Sqlite;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.ControlPlane.Postgres;
using MspMigration.Engine.ControlPlane.Sqlite;
using Npgsql;

namespace MspMigration.Bench;

/// <summary>A throwaway control plane: a SQLite file, or a PostgreSQL schema of its own (dropped afterwards).</summary>
internal sealed class BenchDatabase : IDisposable
{
    private readonly string? _sqlitePath;
    private readonly string? _pgAdmin;
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..10];

    private BenchDatabase(string? sqlitePath, string? pgAdmin)
    {
        _sqlitePath = sqlitePath;
        _pgAdmin = pgAdmin;
    }

    public bool IsPostgres => _pgAdmin is not null;

    public static BenchDatabase Create(string kind)
    {
        if (kind == "sqlite")
        {
            var dir = Path.Combine(Environment.GetEnvironmentVariable("BENCH_DIR") ?? Path.GetTempPath(), "cpbench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            return new BenchDatabase(Path.Combine(dir, "controlplane.db"), null);
        }
        var admin = Environment.GetEnvironmentVariable("MSPMIGRATION_BENCH_PG")
            ?? throw new InvalidOperationException("Set MSPMIGRATION_BENCH_PG to a PostgreSQL connection string.");
        var created = new BenchDatabase(null, admin);
        created.Admin($"CREATE SCHEMA {created._schema}");
        return created;
    }

    private string PgConnectionString => new NpgsqlConnectionStringBuilder(_pgAdmin) { SearchPath = _schema, MaxPoolSize = 50 }.ConnectionString;

    public IControlPlane Open() => _sqlitePath is { } path ? new SqliteTaskStore(path) : new PostgresTaskStore(PgConnectionString, null);

    /// <summary>A plain connection to the same database, for writing rows directly.</summary>
    public DbConnection Connect()
    {
        DbConnection c = _sqlitePath is { } path
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 600 }.ToString())
            : new NpgsqlConnection(PostgresConnection.Build(PgConnectionString, null).ConnectionString);
        c.Open();
        return c;
    }

    public static void Exec(DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }

    private void Admin(string sql)
    {
        using var source = NpgsqlDataSource.Create(PostgresConnection.Build(_pgAdmin!, null));
        using var cmd = source.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Drops what it made, unless BENCH_KEEP=1 (PostgreSQL: the schema is printed, to look at with psql).</summary>
    public void Dispose()
    {
        if (_pgAdmin is not null && Environment.GetEnvironmentVariable("BENCH_KEEP") is "1") Console.WriteLine($"  kept schema {_schema}");
        if (_sqlitePath is { } path)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path.GetDirectoryName(path)!, true); } catch (IOException) { }
        }
        else if (Environment.GetEnvironmentVariable("BENCH_KEEP") is not "1")
        {
            NpgsqlConnection.ClearAllPools();
            Admin($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
    }
}
