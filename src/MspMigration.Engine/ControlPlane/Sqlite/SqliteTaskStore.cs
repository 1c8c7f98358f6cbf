using Microsoft.Data.Sqlite;
using MspMigration.Engine.ControlPlane.Sql;

namespace MspMigration.Engine.ControlPlane.Sqlite;

/// <summary>
/// The embedded control plane: one SQLite file in WAL mode, shared by any number of agent
/// processes on one machine. Writes take the database lock up front (BEGIN IMMEDIATE) so two
/// processes never deadlock upgrading a read lock; waits for the lock are bounded by the busy timeout.
/// One connection per store, used by one caller at a time.
/// </summary>
public sealed class SqliteTaskStore : SqlTaskStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;

    public SqliteTaskStore(string path) : base(SqlDialect.Sqlite)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
    }

    public override string Description => $"sqlite:{_path}";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_connection.State != System.Data.ConnectionState.Open)
                {
                    await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    Exec("PRAGMA busy_timeout = 60000;");
                    Exec("PRAGMA journal_mode = WAL;");
                    Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
                }
            }
            finally
            {
                _gate.Release();
            }
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new MigrationException("ControlPlaneUnavailable", MigrationErrorKind.ConnectionError,
                $"The control plane at '{_path}' cannot be opened: {e.Message}", _path, e);
        }
    }

    protected override async Task<DbSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection.State != System.Data.ConnectionState.Open)
                throw new InvalidOperationException("The control plane is not initialized.");
            // Readers stay deferred so that status polling never queues behind the agents' writes.
            var tx = _connection.BeginTransaction(deferred: !write);
            return new DbSession(_connection, tx, Dialect, () =>
            {
                _gate.Release();
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    protected override Exception? Translate(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 } e // BUSY, LOCKED after the busy timeout
        ? new MigrationException("ControlPlaneBusy", MigrationErrorKind.ConnectionError,
            $"The control plane at '{_path}' stayed locked: {e.Message}", _path, e)
        : null;

    public override void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private void Exec(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
