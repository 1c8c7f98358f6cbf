using Xunit.Abstractions;
using Xunit.Sdk;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// A fact of the store conformance suite. It runs for every concrete store class; for a class
/// marked <see cref="RequiresPostgresAttribute"/> it is reported as skipped (not passed) when
/// no PostgreSQL server is configured for tests.
/// </summary>
[XunitTestCaseDiscoverer("MspMigration.Tests.Unit.ControlPlane.StoreFactDiscoverer", "MspMigration.Tests.Unit")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The test class runs against PostgreSQL (see <see cref="TestDatabases.PostgresVariable"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        if (testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() && TestDatabases.PostgresConnectionString is null)
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, options, testMethod,
                $"No PostgreSQL for tests: set {TestDatabases.PostgresVariable} (tests/infra/postgres.sh starts one).")];
        return [new XunitTestCase(diagnosticMessageSink, display, options, testMethod)];
    }
}
