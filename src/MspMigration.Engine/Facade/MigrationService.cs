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
    // Null when the control plane does not exist and this command may not create it.
    private readonly ITaskStore? _store;

    private MigrationService(AgentConfig config, ITaskStore? store)
    {
        Config = config;
        _store = store;
    }

    public AgentConfig Config { get; }
    public string ControlPlaneDescription => _store?.Description ?? Config.ControlPlane.ToString();

    /// <summary>Opens the configuration and the control plane, creating the control plane if it does not exist.</summary>
    public static Task<MigrationService> OpenAsync(string? configPath, CancellationToken cancellationToken) =>
        OpenAsync(configPath, create: true, cancellationToken);

    /// <param name="create">
    /// False for commands that only read or change existing tasks: a missing control plane is then
    /// not created, and the first use of it throws ControlPlaneNotFound (commands that need only
    /// the configuration still work).
    /// </param>
    public static async Task<MigrationService> OpenAsync(string? configPath, bool create, CancellationToken cancellationToken)
    {
        var config = ConfigLocator.Load(configPath);
        foreach (var profile in config.Profiles.Values)
            foreach (var key in profile.Keys)
                if (SecretNames.IsSecret(key)) SecretRedactor.Register(profile.Get(key));
        if (!create && !ControlPlaneFactory.Exists(config.ControlPlane)) return new MigrationService(config, null);
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

    private ITaskStore Store => _store ?? throw new MigrationException("ControlPlaneNotFound", MigrationErrorKind.ObjectNotFound,
        $"There is no control plane at '{Config.ControlPlane.Location}' (from {Config.SourcePath ?? "the default location; there is no agent.toml"}), " +
        "so there are no tasks yet. Check -ConfigPath or $env:MSPMIGRATION_CONFIG; New-MigrationTask and Start-MigrationAgent create it.",
        Config.ControlPlane.Location);

    /// <param name="warning">Receives what the operator should know but that does not stop the task (e.g. duplicate URLs).</param>
    public async Task<MigrationTask> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken, Action<string>? warning = null)
    {
        TaskNames.Validate(request.Name);
        var source = StoreLocation.Parse(request.Source, "Source");
        var destination = StoreLocation.Parse(request.Destination, "Destination");
        var warnings = StoreFactory.ValidateSource(source);
        StoreFactory.ValidateDestination(destination);
        StoreOverlap.Check(source, Blank(request.SourceProfile), Config.FindProfile(Blank(request.SourceProfile)),
            destination, Blank(request.DestinationProfile), Config.FindProfile(Blank(request.DestinationProfile)));
        foreach (var w in warnings) warning?.Invoke(w);
        foreach (var profile in new[] { Blank(request.SourceProfile), Blank(request.DestinationProfile) }.Distinct())
            if (profile is not null && Config.FindProfile(profile) is null)
                warning?.Invoke(UnknownProfileWarning(profile));
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
        // A URL list knows no sizes or times before the fetch: such filters would silently misfire.
        if (source.Scheme == "urllist" && (options.MinSize ?? options.MaxSize ?? (object?)options.ModifiedAfter ?? options.ModifiedBefore) is not null)
            throw new MigrationException("FilterNotSupported", MigrationErrorKind.InvalidArgument,
                "Size and modification-time filters cannot apply to a URL list, whose sizes and times are known only when each URL is fetched.", request.Source);
        var spec = new TaskSpec(request.Name, source.ToString(), Blank(request.SourceProfile), destination.ToString(),
            Blank(request.DestinationProfile), request.SameNamePolicy, Blank(request.MasterAgent), options);
        return await Store.CreateTaskAsync(spec, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MigrationTask> GetTaskAsync(string name, CancellationToken cancellationToken) =>
        await Store.GetTaskAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new MigrationException("TaskNotFound", MigrationErrorKind.ObjectNotFound,
            $"No task named '{name}' exists in {ControlPlaneDescription}.", name);

    public Task<IReadOnlyList<MigrationTask>> ListTasksAsync(CancellationToken cancellationToken) => Store.ListTasksAsync(cancellationToken);

    public async Task<MigrationStatus> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        return await Store.GetStatusAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        await foreach (var item in Store.GetFailedObjectsAsync(task.Id, cancellationToken).ConfigureAwait(false))
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
        Store.ListAgentsAsync(Config.LeaseDuration, cancellationToken);

    public Task<AgentRunSummary> RunAgentAsync(AgentRunOptions options, IAgentObserver observer, CancellationToken cancellationToken) =>
        new AgentHost(Config, Store, observer).RunAsync(options, cancellationToken);

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
        await Store.UpdateOptionsAsync(task.Id, changes.SameNamePolicy ?? task.SameNamePolicy, options, cancellationToken).ConfigureAwait(false);
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
        return await Store.RetryFailedAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a secondary pass over the source; returns the new pass number.</summary>
    public async Task<int> StartIncrementalPassAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        RequireState(task, "given a secondary pass", MigrationTaskState.Completed, MigrationTaskState.CompletedWithFailures);
        return await Store.StartIncrementalPassAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a task and its journal; a running task only with <paramref name="force"/>.</summary>
    public async Task RemoveTaskAsync(string name, bool force, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        if (task.State == MigrationTaskState.Running && !force)
            throw new MigrationException("TaskStateInvalid", MigrationErrorKind.InvalidOperation,
                $"Task '{name}' is running; suspend it first, or use -Force to remove it anyway.", name);
        await Store.DeleteTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a run of the task would copy, overwrite and skip, from listings only; writes nothing.</summary>
    public IAsyncEnumerable<PlannedObject> PlanAsync(string name, CancellationToken cancellationToken) =>
        DryRun.PlanAsync(this, name, cancellationToken);

    internal async Task<MigrationTask> TransitionAsync(string name, MigrationTaskState[] from, MigrationTaskState to, string verb, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        if (!await Store.TransitionAsync(task.Id, from, to, cancellationToken).ConfigureAwait(false))
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

    // Agents elsewhere may define the profile, so this is a warning, not an error.
    private string UnknownProfileWarning(string profile)
    {
        var nearest = NearestName.Find(profile, Config.Profiles.Keys);
        return $"Credential profile '{profile}' is not defined in {Config.SourcePath ?? "this machine's configuration (there is no agent.toml)"}" +
            (nearest is null ? "" : $" (did you mean '{nearest}'?)") + "; only agents whose agent.toml defines it can work on this task.";
    }

    public void Dispose() => _store?.Dispose();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
