using System.Globalization;

namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// The control plane's behaviour, written once for every SQL store. A store supplies how to open
/// a transaction, its dialect and how its driver's errors read; every IControlPlane method lives in
/// one of the partial files next to this one (tasks, agents, listing, segments), so a new method
/// is added once for all stores.
/// </summary>
public abstract partial class SqlTaskStore : IControlPlane
{
    private const int MaxAttempts = 4;

    protected SqlTaskStore(SqlDialect dialect) => Dialect = dialect;

    protected SqlDialect Dialect { get; }

    public abstract string Description { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The one migration runner: brings the schema to this build's version in one transaction
    /// (each step and its version number together), and refuses a database newer than the build
    /// rather than misread it. How the version is kept and locked is the dialect's.
    /// </summary>
    protected async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var s = await BeginAsync(write: true, cancellationToken).ConfigureAwait(false);
        if (Dialect.PrepareVersion.Length > 0) await s.ExecAsync(Dialect.PrepareVersion, cancellationToken).ConfigureAwait(false);
        var version = Convert.ToInt32(await s.ScalarAsync(Dialect.ReadVersion, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var known = Schema.Migrations.Length;
        if (version > known)
            throw new MigrationException("ControlPlaneTooNew", MigrationErrorKind.InvalidOperation,
                $"The control plane at {Description} has schema version {version}; this build knows up to {known}. Upgrade the module.", Description);
        for (var v = version; v < known; v++)
        {
            await s.ExecAsync(Schema.Migrations[v], cancellationToken).ConfigureAwait(false);
            await s.ExecAsync(Dialect.WriteVersion.Replace("{version}", (v + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                cancellationToken).ConfigureAwait(false);
        }
        await s.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Opens a transaction; <paramref name="write"/> says it will write (SQLite then takes the write lock up front).</summary>
    protected abstract Task<DbSession> BeginAsync(bool write, CancellationToken cancellationToken);

    /// <summary>A MigrationException for a driver error, or null to let the error through.</summary>
    protected abstract Exception? Translate(Exception error);

    /// <summary>Errors after which the whole transaction may simply run again (deadlock victim, serialization failure).</summary>
    protected virtual bool IsTransient(Exception error) => false;

    public abstract void Dispose();

    protected Task<T> ReadAsync<T>(Func<DbSession, Task<T>> body, CancellationToken ct) => RunAsync(false, body, ct);

    protected Task<T> WriteAsync<T>(Func<DbSession, Task<T>> body, CancellationToken ct) => RunAsync(true, body, ct);

    protected Task WriteAsync(Func<DbSession, Task> body, CancellationToken ct) =>
        RunAsync(true, async s => { await body(s).ConfigureAwait(false); return true; }, ct);

    private async Task<T> RunAsync<T>(bool write, Func<DbSession, Task<T>> body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = await BeginAsync(write, ct).ConfigureAwait(false);
                var result = await body(session).ConfigureAwait(false);
                // Not cancellable: a half-acknowledged commit would leave the caller guessing.
                await session.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25 * attempt * attempt), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not MigrationException and not LeaseLostException && Translate(e) is { } mapped)
            {
                throw mapped;
            }
        }
    }
}
