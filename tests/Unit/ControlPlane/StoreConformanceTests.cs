namespace MspMigration.Tests.Unit.ControlPlane;

public sealed class SqliteTaskStoreConformance : TaskStoreConformance
{
    protected override ITestDatabase CreateDatabase() => new SqliteTestDatabase();
}

[RequiresPostgres]
public sealed class PostgresTaskStoreConformance : TaskStoreConformance
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
