using MspMigration.Engine.Agent;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Facade;

/// <summary>
/// The one entry point the cmdlets use: configuration, the control plane, validation and the
/// agent behind a surface of Contracts types. Knows nothing of PowerShell.
/// </summary>
public sealed class MigrationService : IDisposable
{
    private readonly ITaskStore _store;

    private MigrationService(AgentConfig config, ITaskStore store)
    {
        Config = config;
        _store = store;
    }

    public AgentConfig Config { get; }
    public string ControlPlaneDescription => _store.Description;

    public static async Task<MigrationService> OpenAsync(string? configPath, CancellationToken cancellationToken)
    {
        var config = ConfigLocator.Load(configPath);
        foreach (var profile in config.Profiles.Values)
            foreach (var key in profile.Keys)
                if (SecretNames.IsSecret(key)) SecretRedactor.Register(profile.Get(key));
        var store = await ControlPlaneFactory.OpenAsync(config.ControlPlane, cancellationToken).ConfigureAwait(false);
        return new MigrationService(config, store);
    }

    /// <summary>
    /// Opens the control plane only if it exists already: null when there is none, so that
    /// read-only callers (tab completion) never create one as a side effect.
    /// </summary>
    public static async Task<MigrationService?> OpenExistingAsync(string? configPath, CancellationToken cancellationToken)
    {
        var config = ConfigLocator.Load(configPath);
        if (!ControlPlaneFactory.Exists(config.ControlPlane)) return null;
        var store = await ControlPlaneFactory.OpenAsync(config.ControlPlane, cancellationToken).ConfigureAwait(false);
        return new MigrationService(config, store);
    }

    public async Task<MigrationTask> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        TaskNames.Validate(request.Name);
        var source = StoreLocation.Parse(request.Source, "Source");
        var destination = StoreLocation.Parse(request.Destination, "Destination");
        StoreFactory.ValidateSource(source);
        StoreFactory.ValidateDestination(destination);
        if (source.Scheme == destination.Scheme && source.Bucket == destination.Bucket && source.Prefix == destination.Prefix)
            throw new MigrationException("SourceEqualsDestination", MigrationErrorKind.InvalidArgument,
                $"The source and the destination are the same place ({source}).", request.Destination);
        var spec = new TaskSpec(request.Name, source.ToString(), Blank(request.SourceProfile), destination.ToString(),
            Blank(request.DestinationProfile), request.SameNamePolicy, Blank(request.MasterAgent));
        return await _store.CreateTaskAsync(spec, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MigrationTask> GetTaskAsync(string name, CancellationToken cancellationToken) =>
        await _store.GetTaskAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound,
            $"No task named '{name}' exists in {_store.Description}.", name);

    public Task<IReadOnlyList<MigrationTask>> ListTasksAsync(CancellationToken cancellationToken) => _store.ListTasksAsync(cancellationToken);

    public async Task<MigrationStatus> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        return await _store.GetStatusAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        await foreach (var item in _store.GetFailedObjectsAsync(task.Id, cancellationToken).ConfigureAwait(false))
            yield return item;
    }

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) =>
        _store.ListAgentsAsync(Config.LeaseDuration, cancellationToken);

    public Task<AgentRunSummary> RunAgentAsync(AgentRunOptions options, IAgentObserver observer, CancellationToken cancellationToken) =>
        new AgentHost(Config, _store, observer).RunAsync(options, cancellationToken);

    public void Dispose() => _store.Dispose();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
