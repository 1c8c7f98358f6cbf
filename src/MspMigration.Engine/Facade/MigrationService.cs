using MspMigration.Engine.Agent;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Output;
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
    private readonly IControlPlane? _store;

    private MigrationService(AgentConfig config, IControlPlane? store)
    {
        Config = config;
        _store = store;
    }

    // Internal: what the host needs of the configuration comes through the calls below and the
    // output channel, so the cmdlets never read settings themselves.
    internal AgentConfig Config { get; }
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

    private IControlPlane Store => _store ?? throw new MigrationException("ControlPlaneNotFound", MigrationErrorKind.ObjectNotFound,
        $"There is no control plane at '{Config.ControlPlane.Location}' (from {Config.SourcePath ?? "the default location; there is no agent.toml"}), " +
        "so there are no tasks yet. Check -ConfigPath or $env:MSPMIGRATION_CONFIG; New-MigrationTask and Start-MigrationAgent create it.",
        Config.ControlPlane.Location);

    /// <param name="output">Receives what the operator should know but that does not stop the task (e.g. duplicate URLs).</param>
    public async Task<MigrationTask> CreateTaskAsync(TaskRequest request, IEngineOutput output, CancellationToken cancellationToken)
    {
        TaskNames.Validate(request.Name);
        var source = StoreLocation.Parse(request.Source, "Source");
        var destination = StoreLocation.Parse(request.Destination, "Destination");
        var warnings = StoreFactory.ValidateSource(source);
        StoreFactory.ValidateDestination(destination);
        StoreOverlap.Check(source, Blank(request.SourceProfile), Config.FindProfile(Blank(request.SourceProfile)),
            destination, Blank(request.DestinationProfile), Config.FindProfile(Blank(request.DestinationProfile)));
        foreach (var w in warnings) output.Warning(w);
        foreach (var profile in new[] { Blank(request.SourceProfile), Blank(request.DestinationProfile) }.Distinct())
            if (profile is not null && Config.FindProfile(profile) is null)
                output.Warning(UnknownProfileWarning(profile));
        var settings = request.Settings.Checked();
        // Checked against the destination's service, and stored in that service's spelling.
        if (settings.StorageClass is { } storageClass)
            settings = settings with { StorageClass = destination.Kind.CheckStorageClass(destination, storageClass) };
        if (settings.RestoreArchived is not null) source.Kind.CheckRestoreArchived(source);
        // A store that lists no sizes or times (a URL list) knows them only at the fetch: such filters would silently misfire.
        if (!source.Capabilities.ListsSizesAndTimes && settings.FiltersBySizeOrTime())
            throw new MigrationException("FilterNotSupported", MigrationErrorKind.InvalidArgument,
                $"Size and modification-time filters cannot apply to {source}, whose sizes and times are known only when each object is fetched.", request.Source);
        var spec = new TaskSpec(request.Name, source.ToString(), Blank(request.SourceProfile), destination.ToString(),
            Blank(request.DestinationProfile), request.SameNamePolicy, Blank(request.MasterAgent), settings);
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

    /// <summary>Recounts the task's journal and repairs its counters where they differ; returns the differences found.</summary>
    public async Task<IReadOnlyList<CounterMismatch>> RecountAsync(string name, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        return await Store.RecountAsync(task.Id, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        await foreach (var item in Store.GetFailedObjectsAsync(task.Id, cancellationToken).ConfigureAwait(false))
            yield return item;
    }

    /// <summary>
    /// Checks that this agent can list, read and (unless <paramref name="checkWrite"/> is false) write a store.
    /// Warnings about this agent's configuration go to <paramref name="output"/>; what is wrong with the store is the result's Problems.
    /// </summary>
    public Task<EndpointTestResult> TestEndpointAsync(string location, string? profileName, bool checkWrite, IEngineOutput output,
        CancellationToken cancellationToken)
    {
        foreach (var warning in Config.Warnings) output.Warning(warning);
        var parsed = StoreLocation.Parse(location, "Location");
        var name = Blank(profileName);
        if (MissingDestination(parsed) is { } missing)
            return Task.FromResult(new EndpointTestResult { Location = parsed.ToString(), Profile = name, Problems = [missing] });
        var profile = name is null ? null : Config.FindProfile(name) ?? throw new MigrationException("ProfileNotFound", MigrationErrorKind.ObjectNotFound,
            $"Credential profile '{name}' is not defined in {Config.SourcePath ?? "the agent configuration (there is no agent.toml)"}.", name);
        return EndpointProbe.RunAsync(parsed, name, profile, checkWrite, cancellationToken, Config.StallTimeout);
    }

    /// <summary>
    /// A directory that does not exist yet is a fine destination (the first copy makes it) but no
    /// source; the probe cannot tell which is meant, so it says both instead of failing as a source.
    /// </summary>
    private static string? MissingDestination(StoreLocation location)
    {
        try
        {
            StoreFactory.ValidateSource(location);
            return null;
        }
        catch (MigrationException e) when (e.ErrorId == "SourceNotFound" && location.Kind.Capabilities(location).Writable)
        {
            return $"list: '{location}' does not exist. As a destination it is created by the first copy; as a source there is nothing to migrate.";
        }
    }

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) =>
        Store.ListAgentsAsync(Config.LeaseDuration, cancellationToken);

    /// <summary>Typos and risky settings in agent.toml, for the commands that start no agent (an agent reports them itself).</summary>
    public void ReportConfigWarnings(IEngineOutput output)
    {
        foreach (var warning in Config.Warnings) output.Warning(warning);
    }

    /// <summary>The name an agent started with <paramref name="requested"/> (null: none asked for) runs under.</summary>
    public string AgentName(string? requested) => AgentIdentity.NameFor(requested, Config);

    public Task<AgentRunSummary> RunAgentAsync(AgentRunOptions options, IEngineOutput output, CancellationToken cancellationToken) =>
        new AgentHost(Config, Store, output).RunAsync(options, cancellationToken);

    /// <summary>
    /// What a run of an agent would copy, overwrite and skip, from listings only: the named tasks,
    /// or without names every task an agent would work on.
    /// </summary>
    public async IAsyncEnumerable<PlannedObject> PlanAgentRunAsync(IReadOnlyCollection<string> taskNames,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<string> names = taskNames.Count > 0 ? [.. taskNames]
            : WorkableTasks.Of(await Store.ListTasksAsync(cancellationToken).ConfigureAwait(false), []).Select(t => t.Name).ToList();
        foreach (var name in names)
            await foreach (var item in PlanAsync(name, cancellationToken).ConfigureAwait(false))
                yield return item;
    }

    /// <summary>Changes limits, window or policy; agents pick the change up at their next poll.</summary>
    public async Task<MigrationTask> SetTaskAsync(string name, TaskChanges changes, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(name, cancellationToken).ConfigureAwait(false);
        var settings = task.Settings;
        if (changes.QpsLimit is not null) settings = settings with { QpsLimit = LimitText.Qps(changes.QpsLimit) };
        if (changes.BandwidthLimit is not null) settings = settings with { BandwidthLimit = LimitText.Bandwidth(changes.BandwidthLimit) };
        if (changes.TimeWindow is not null) settings = settings with { TimeWindow = changes.TimeWindow };
        await Store.UpdateOptionsAsync(task.Id, changes.SameNamePolicy ?? task.SameNamePolicy, settings.Checked(), cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Compares the task's source and destination, key range by key range; each difference goes to
    /// <paramref name="output"/> as it is found, and the summary is returned.
    /// </summary>
    public Task<ConsistencySummary> TestTaskAsync(string name, bool deep, IEngineOutput output, CancellationToken cancellationToken) =>
        ConsistencyRun.RunAsync(this, Store, name, deep, output, cancellationToken);

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
