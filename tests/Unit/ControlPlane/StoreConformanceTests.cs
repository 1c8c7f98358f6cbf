namespace MspMigration.Tests.Unit.ControlPlane;

[Collection(LeaseTimingCollection.Name)]
public sealed class SqliteTaskStoreConformance : TaskStoreConformance
{
    protected override ITestDatabase CreateDatabase() => new SqliteTestDatabase();
}

[RequiresPostgres, Collection(LeaseTimingCollection.Name)]
public sealed class PostgresTaskStoreConformance : TaskStoreConformance
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
