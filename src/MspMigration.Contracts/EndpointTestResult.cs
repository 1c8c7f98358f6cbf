namespace MspMigration;

/// <summary>What Test-MigrationEndpoint found: whether a store can be listed, read and written with a profile.</summary>
public sealed class EndpointTestResult
{
    public string Location { get; init; } = "";
    public string? Profile { get; init; }
    /// <summary>The service address requests went to (no credentials).</summary>
    public string? Endpoint { get; init; }
    public bool CanList { get; init; }
    /// <summary>Null when there was nothing to read (an empty bucket or prefix).</summary>
    public bool? CanRead { get; init; }
    /// <summary>Null when the write check was skipped.</summary>
    public bool? CanWrite { get; init; }
    public bool IsHealthy => CanList && CanRead != false && CanWrite != false && Problems.Count == 0;
    /// <summary>One line per problem found, saying what to check.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
