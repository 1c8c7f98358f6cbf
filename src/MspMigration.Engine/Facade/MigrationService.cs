using MspMigration.Engine.Agent;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Policies;
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

    /// <param name="warning">Receives what the operator should know but that does not stop the task (e.g. duplicate URLs).</param>
    public async Task<MigrationTask> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken, Action<string>? warning = null)
    {
        TaskNames.Validate(request.Name);
        var source = StoreLocation.Parse(request.Source, "Source");
        var destination = StoreLocation.Parse(request.Destination, "Destination");
        var warnings = StoreFactory.ValidateSource(source);
        StoreFactory.ValidateDestination(destination);
        if (source.Scheme == destination.Scheme && source.Bucket == destination.Bucket && source.Prefix == destination.Prefix)
            throw new MigrationException("SourceEqualsDestination", MigrationErrorKind.InvalidArgument,
                $"The source and the destination are the same place ({source}).", request.Destination);
        foreach (var w in warnings) warning?.Invoke(w);
        var options = new TaskOptions
        {
            QpsLimit = LimitText.Qps(request.QpsLimit),
            BandwidthLimit = LimitText.Bandwidth(request.BandwidthLimit),
            KeyPrefix = string.IsNullOrEmpty(request.KeyPrefix) ? null : request.KeyPrefix,
            Include = request.Include ?? [],
            Exclude = request.Exclude ?? [],
            ModifiedAfter = request.ModifiedAfter,
            ModifiedBefore = request.ModifiedBefore,
            MinSize = request.MinSize,
            MaxSize = request.MaxSize,
            TimeWindow = string.IsNullOrWhiteSpace(request.TimeWindow) ? null : Limits.TimeWindow.Parse(request.TimeWindow).ToString(),
        }.Validate();
        // A store that lists no sizes or times (a URL list) knows them only at the fetch: such filters would silently misfire.
        if (!source.Capabilities.ListsSizesAndTimes && (options.MinSize ?? options.MaxSize ?? (object?)options.ModifiedAfter ?? options.ModifiedBefore) is not null)
            throw new MigrationException("FilterNotSupported", MigrationErrorKind.InvalidArgument,
                $"Size and modification-time filters cannot apply to {source}, whose sizes and times are known only when each object is fetched.", request.Source);
        var spec = new TaskSpec(request.Name, source.ToString(), Blank(request.SourceProfile), destination.ToString(),
            Blank(request.DestinationProfile), request.SameNamePolicy, Blank(request.MasterAgent), options);
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

    /// <summary>Checks that this agent can list, read and (unless <paramref name="checkWrite"/> is false) write a store.</summary>
    public Task<EndpointTestResult> TestEndpointAsync(string location, string? profileName, bool checkWrite, CancellationToken cancellationToken)
    {
        var parsed = StoreLocation.Parse(location, "Location");
        StoreFactory.ValidateSource(parsed);
        var name = Blank(profileName);
        var profile = name is null ? null : Config.FindProfile(name) ?? throw new MigrationException("ProfileNotFound", MigrationErrorKind.ObjectNotFound,
            $"Credential profile '{name}' is not defined in {Config.SourcePath ?? "the agent configuration (there is no agent.toml)"}.", name);
        return EndpointProbe.RunAsync(parsed, name, profile, checkWrite, cancellationToken, Config.StallTimeout);
    }

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) =>
        _store.ListAgentsAsync(Config.LeaseDuration, cancellationToken);

    public Task<AgentRunSummary> RunAgentAsync(AgentRunOptions options, IAgentObserver observer, CancellationToken cancellationToken) =>
        new AgentHost(Config, _store, observer).RunAsync(options, cancellationToken);

    /// <summary>Changes limits, window or policy; agents pick the change up at their next poll.</summary>
    public async Task<MigrationTask> SetTaskAsync(string name, TaskChanges changes, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        var options = TaskMapper.Options(task);
        if (changes.QpsLimit is not null) options = options with { QpsLimit = LimitText.Qps(changes.QpsLimit) };
        if (changes.BandwidthLimit is not null) options = options with { BandwidthLimit = LimitText.Bandwidth(changes.BandwidthLimit) };
        if (changes.TimeWindow is not null)
            options = options with { TimeWindow = changes.TimeWindow.Trim().Length == 0 ? null : Limits.TimeWindow.Parse(changes.TimeWindow).ToString() };
        options.Validate();
        await _store.UpdateOptionsAsync(task.Id, changes.SameNamePolicy ?? task.SameNamePolicy, options, cancellationToken).ConfigureAwait(false);
        return await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public Task<MigrationTask> SuspendTaskAsync(string name, CancellationToken cancellationToken) =>
        TransitionAsync(name, [MigrationTaskState.Pending, MigrationTaskState.Running], MigrationTaskState.Paused, "paused", cancellationToken);

    public Task<MigrationTask> ResumeTaskAsync(string name, CancellationToken cancellationToken) =>
        TransitionAsync(name, [MigrationTaskState.Paused], MigrationTaskState.Running, "resumed", cancellationToken);

    /// <summary>Queues again only the objects whose last outcome was a failure; returns how many.</summary>
    public async Task<long> RetryFailedAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        RequireState(task, "retried", MigrationTaskState.Completed, MigrationTaskState.CompletedWithFailures, MigrationTaskState.Failed);
        return await _store.RetryFailedAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a secondary pass over the source; returns the new pass number.</summary>
    public async Task<int> StartIncrementalPassAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        RequireState(task, "given a secondary pass", MigrationTaskState.Completed, MigrationTaskState.CompletedWithFailures);
        return await _store.StartIncrementalPassAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a task and its journal; a running task only with <paramref name="force"/>.</summary>
    public async Task RemoveTaskAsync(string name, bool force, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        if (task.State == MigrationTaskState.Running && !force)
            throw new MigrationException("TaskStateInvalid", MigrationErrorKind.InvalidOperation,
                $"Task '{name}' is running; suspend it first, or use -Force to remove it anyway.", name);
        await _store.DeleteTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a run of the task would copy, overwrite and skip, from listings only; writes nothing.</summary>
    public IAsyncEnumerable<PlannedObject> PlanAsync(string name, CancellationToken cancellationToken) =>
        DryRun.PlanAsync(this, name, cancellationToken);

    internal async Task<MigrationTask> TransitionAsync(string name, MigrationTaskState[] from, MigrationTaskState to, string verb, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        if (!await _store.TransitionAsync(task.Id, from, to, cancellationToken).ConfigureAwait(false))
        {
            task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
            RequireState(task, verb, from);
        }
        return await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireState(MigrationTask task, string verb, params MigrationTaskState[] allowed)
    {
        if (Array.IndexOf(allowed, task.State) < 0)
            throw new MigrationException("TaskStateInvalid", MigrationErrorKind.InvalidOperation,
                $"Task '{task.Name}' is {task.State}; it can be {verb} only when {string.Join(" or ", allowed)}.", task.Name);
    }

    public void Dispose() => _store.Dispose();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
