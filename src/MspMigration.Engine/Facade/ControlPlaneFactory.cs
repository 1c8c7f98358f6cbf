using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.ControlPlane.Postgres;
using MspMigration.Engine.ControlPlane.Sqlite;

namespace MspMigration.Engine.Facade;

/// <summary>Opens the control plane an agent.toml names.</summary>
public static class ControlPlaneFactory
{
    /// <summary>False when opening would create the control plane (an embedded file not made yet).</summary>
    public static bool Exists(ControlPlaneConfig config) =>
        config.Kind != ControlPlaneConfig.Sqlite || File.Exists(config.Location);

    public static async Task<IControlPlane> OpenAsync(ControlPlaneConfig config, CancellationToken cancellationToken)
    {
        IControlPlane store = config.Kind switch
        {
            ControlPlaneConfig.Sqlite => new SqliteTaskStore(config.Location),
            ControlPlaneConfig.Postgres => new PostgresTaskStore(config.Location, config.PasswordVariable),
            _ => throw new MigrationException("ControlPlaneKindUnknown", MigrationErrorKind.InvalidArgument,
                $"Unknown control plane kind '{config.Kind}'.", config.Kind),
        };
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}
