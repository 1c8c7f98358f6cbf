namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// Tests that wait out real leases (one second, checked 1.6 s later) run in this collection: after
/// every other test and never beside one, so a busy machine cannot stretch their sleeps past a lease.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LeaseTimingCollection
{
    public const string Name = "Lease timing";
}
