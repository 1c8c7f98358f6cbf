using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane.Sql;
using MspMigration.Engine.Stores;
using Npgsql;
using NpgsqlTypes;

namespace MspMigration.Engine.ControlPlane.Postgres;

/// <summary>
/// The cluster control plane: agents on any number of machines share one PostgreSQL database.
/// Every operation is one READ COMMITTED transaction on a pooled connection; segments are
/// claimed with FOR UPDATE SKIP LOCKED and leases are timed by the server's clock.
/// </summary>
public sealed class PostgresTaskStore : SqlTaskStore
{
    private readonly NpgsqlDataSource _source;

    public PostgresTaskStore(string connectionString, string? passwordVariable) : base(SqlDialect.Postgres)
    {
        var builder = PostgresConnection.Build(connectionString, passwordVariable);
        Description = PostgresConnection.Describe(builder);
        _source = NpgsqlDataSource.Create(builder);
    }

    public override string Description { get; }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Unavailable(e);
        }
    }

    protected override async Task<DbSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new DbSession(connection, tx, Dialect, connection.DisposeAsync);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One round trip per segment instead of one per object: the arrays are unnested server-side.</summary>
    protected override async Task<Queued> UpsertObjectsAsync(DbSession s, long taskId, int pass, IReadOnlyList<ObjectInfo> objects, CancellationToken ct)
    {
        if (objects.Count == 0) return default;
        await using var cmd = (NpgsqlCommand)s.Command("""
            INSERT INTO objects(task_id, key, size, last_modified, etag, source_crc64, pass)
            SELECT @t, u.k, u.s, u.m, u.e, u.c, @p FROM unnest(@k, @s, @m, @e, @c) AS u(k, s, m, e, c)
            ON CONFLICT(task_id, key) DO UPDATE SET size = excluded.size, last_modified = excluded.last_modified,
                etag = excluded.etag, source_crc64 = excluded.source_crc64, outcome = {outcome.Pending}, error = NULL, reason = NULL, pass = excluded.pass
            WHERE objects.outcome = {outcome.Failed} OR objects.size <> excluded.size OR objects.last_modified <> excluded.last_modified
               OR COALESCE(objects.etag, '') <> COALESCE(excluded.etag, '')
            RETURNING key, size
            """, ("@t", taskId), ("@p", (short)pass));
        cmd.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = objects.Select(o => o.Key).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = objects.Select(o => o.Size).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("m", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = objects.Select(o => o.LastModified.ToUnixTimeMilliseconds()).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = objects.Select(o => o.ETag).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
        {
            Value = objects.Select(o => o.Crc64 is { } crc ? unchecked((long)crc) : (long?)null).ToArray(),
        });
        string? first = null, last = null;
        var count = 0;
        long bytes = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        // RETURNING has no order: the segment's bounds are the smallest and largest key queued.
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var key = r.GetString(0);
            if (first is null || Utf8OrdinalComparer.Instance.Compare(key, first) < 0) first = key;
            if (last is null || Utf8OrdinalComparer.Instance.Compare(key, last) > 0) last = key;
            count++;
            bytes += r.GetInt64(1);
        }
        return new Queued(count, first, last, bytes);
    }

    /// <summary>
    /// A batch of outcomes in one statement (arrays unnested server-side), so one round trip and one
    /// counter change per batch instead of one per object. Rows are joined (and so locked) in key
    /// order, the same order for every batch; a key given twice is written once (the first).
    /// </summary>
    protected override async Task UpdateOutcomesAsync(DbSession s, IReadOnlyList<ObjectOutcomeRecord> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        await using var cmd = (NpgsqlCommand)s.Command("""
            WITH u AS (
                SELECT DISTINCT ON (t, k) t, k COLLATE "C" AS k, o, n, c, e, r, s, m, copied, g
                FROM unnest(@t, @k, @o, @n, @c, @e, @r, @s, @m, @copied, @g) WITH ORDINALITY AS x(t, k, o, n, c, e, r, s, m, copied, g, i)
                ORDER BY t, k, i)
            UPDATE objects SET outcome = u.o, attempts = objects.attempts + u.n, crc64 = u.c, error = u.e, reason = u.r, updated_at = {now},
                size = COALESCE(u.s, objects.size), last_modified = COALESCE(u.m, objects.last_modified),
                etag = CASE WHEN u.copied THEN u.g ELSE objects.etag END
            FROM u
            WHERE objects.task_id = u.t AND objects.key = u.k AND objects.outcome = {outcome.Pending}
            """);
        cmd.Parameters.Add(Array("t", NpgsqlDbType.Bigint, outcomes.Select(o => o.TaskId).ToArray()));
        cmd.Parameters.Add(Array("k", NpgsqlDbType.Text, outcomes.Select(o => o.Key).ToArray()));
        cmd.Parameters.Add(Array("o", NpgsqlDbType.Integer, outcomes.Select(o => (int)o.Outcome).ToArray()));
        cmd.Parameters.Add(Array("n", NpgsqlDbType.Integer, outcomes.Select(o => o.Attempts).ToArray()));
        cmd.Parameters.Add(Array("c", NpgsqlDbType.Bigint, outcomes.Select(o => o.Crc64 is { } crc ? unchecked((long)crc) : (long?)null).ToArray()));
        cmd.Parameters.Add(Array("e", NpgsqlDbType.Text, outcomes.Select(o => o.Error).ToArray()));
        cmd.Parameters.Add(Array("r", NpgsqlDbType.Text, outcomes.Select(o => o.Outcome == ObjectOutcome.Failed ? (o.Reason ?? FailureReason.Unknown).ToString() : null).ToArray()));
        cmd.Parameters.Add(Array("s", NpgsqlDbType.Bigint, outcomes.Select(o => o.Copied?.Size).ToArray()));
        cmd.Parameters.Add(Array("m", NpgsqlDbType.Bigint, outcomes.Select(o => o.Copied?.LastModified.ToUnixTimeMilliseconds()).ToArray()));
        cmd.Parameters.Add(Array("copied", NpgsqlDbType.Boolean, outcomes.Select(o => o.Copied is not null).ToArray()));
        cmd.Parameters.Add(Array("g", NpgsqlDbType.Text, outcomes.Select(o => o.Copied?.ETag).ToArray()));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlParameter Array(string name, NpgsqlDbType type, object value) =>
        new(name, NpgsqlDbType.Array | type) { Value = value };

    /// <summary>
    /// Serialization failures and deadlock victims only: the server rolled those back for sure. A
    /// broken connection is not retried, since its commit may have happened.
    /// </summary>
    protected override bool IsTransient(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    protected override Exception? Translate(Exception error) =>
        error is NpgsqlException or TimeoutException ? Unavailable(error) : null;

    public override void Dispose() => _source.Dispose();

    private MigrationException Unavailable(Exception e) =>
        new("ControlPlaneUnavailable", MigrationErrorKind.ConnectionError,
            SecretRedactor.Redact($"The control plane at {Description} cannot be used: {e.Message}"), Description, e);
}
