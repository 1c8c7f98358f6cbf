using System.Collections.Concurrent;
using System.Data.Common;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// One transaction on one connection, with the statement helpers the shared store uses.
/// Parameters are written @name in the SQL text, which both drivers accept.
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<(SqlDialect, string), string> Rendered = new();
    private readonly Func<ValueTask> _release;

    internal DbSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect, Func<ValueTask> release)
    {
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        _release = release;
    }

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }
    public SqlDialect Dialect { get; }

    public DbCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = Rendered.GetOrAdd((Dialect, sql), k => k.Item1.Render(k.Item2));
        cmd.Transaction = Transaction;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public async Task<int> ExecAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(sql, args);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(sql, args);
        var value = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(map(r));
        return list;
    }

    public Task CommitAsync(CancellationToken ct) => Transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await _release().ConfigureAwait(false);
    }

    // Column readers that do not depend on how a driver types an expression (SQLite has one
    // integer type; PostgreSQL's COUNT is bigint and its SUM numeric).
    public static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static int Int(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static double Double(DbDataReader r, int i) => Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : Long(r, i);
    public static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static DateTimeOffset Time(DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(Long(r, i));
    public static DateTimeOffset? NullableTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);
}
