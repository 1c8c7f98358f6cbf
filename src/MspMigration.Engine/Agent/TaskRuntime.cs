using MspMigration.Engine.Configuration;
using MspMigration.Engine.Limits;
using MspMigration.Engine.Metrics;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>What an agent holds open for one task: its stores, limiter and copier, and the task as last read.</summary>
internal sealed class TaskRuntime : IAsyncDisposable
{
    // The task and its parsed window change together, as one reference: IsWorkable runs for every
    // object a worker takes, so the window is parsed once per refresh, not once per object.
    private volatile Snapshot _current;

    private sealed record Snapshot(MigrationTask Task, TimeWindow? Window);

    private TaskRuntime(MigrationTask task, IObjectStore source, IObjectStore destination, TaskLimiter limiter, ObjectCopier copier, TimeSpan giveUpAfter)
    {
        _current = Parse(task);
        Trouble = new TaskTrouble(giveUpAfter);
        Source = source;
        Destination = destination;
        Limiter = limiter;
        Copier = copier;
    }

    /// <summary>Refreshed from the control plane on every poll, so limits, policy and pauses apply while running.</summary>
    public MigrationTask Task { get => _current.Task; set => _current = Parse(value); }
    public IObjectStore Source { get; }
    public IObjectStore Destination { get; }
    public TaskLimiter Limiter { get; }
    /// <summary>How many agents share the task's cluster-wide limits (at least 1).</summary>
    public int Share { get; set; } = 1;
    /// <summary>Set when the task disappeared from the control plane (removed by an operator).</summary>
    public bool Removed { get; set; }
    public ObjectCopier Copier { get; }
    /// <summary>Failures of a whole store: the task waits between attempts and fails when they last too long.</summary>
    public TaskTrouble Trouble { get; }
    /// <summary>Set once this agent has failed the task, before the next refresh shows it.</summary>
    public bool Ended { get; set; }

    /// <summary>
    /// True while agents may work on the task: running (or pending), inside its daily window,
    /// and not waiting for a failing store's next attempt.
    /// </summary>
    public bool IsWorkable()
    {
        var current = _current;
        if (Removed || Ended || Trouble.Waiting) return false;
        if (current.Task.State is not (MigrationTaskState.Pending or MigrationTaskState.Running)) return false;
        return current.Window is not { } window || window.Contains(TimeOnly.FromDateTime(DateTime.Now));
    }

    private static Snapshot Parse(MigrationTask task) =>
        new(task, task.TimeWindow is { } window ? TimeWindow.Parse(window) : null);

    public static TaskRuntime Open(MigrationTask task, AgentConfig config, Action<long> onBytes, TaskMetrics? metrics = null, MemoryBudget? buffers = null)
    {
        var (sourceAt, sourceProfile) = (StoreLocation.Parse(task.Source, "Source"), Profile(task.SourceProfile, config));
        var (destinationAt, destinationProfile) = (StoreLocation.Parse(task.Destination, "Destination"), Profile(task.DestinationProfile, config));
        // Again here, not only at creation: a symbolic link may have changed since.
        StoreOverlap.Check(sourceAt, task.SourceProfile, sourceProfile, destinationAt, task.DestinationProfile, destinationProfile);
        Action<Exception>? requestRetried = metrics is null ? null : e => metrics.Retried("request", e);
        var source = StoreFactory.Open(sourceAt, sourceProfile, config.StallTimeout, onRetry: requestRetried, buffers: buffers);
        var destination = StoreFactory.Open(destinationAt, destinationProfile, config.StallTimeout, config.Fsync, requestRetried,
            task.Settings.StorageClass, buffers);
        var limiter = new TaskLimiter(metrics is null ? null : metrics.Throttled);
        var copier = new ObjectCopier(source, destination, config.MaxAttempts, metrics is null ? onBytes : n => { onBytes(n); metrics.BytesRead(n); },
            limiter: limiter, onRetry: metrics is null ? null : e => metrics.Retried("object", e));
        return new TaskRuntime(task, source, destination, limiter, copier, config.GiveUpAfter);
    }

    private static CredentialProfile? Profile(string? name, AgentConfig config)
    {
        if (name is null) return null;
        return config.FindProfile(name) ?? throw new MigrationException("ProfileNotFound", MigrationErrorKind.ObjectNotFound,
            $"Credential profile '{name}' is not defined in this agent's configuration ({config.SourcePath ?? "no agent.toml"}).", name);
    }

    public async ValueTask DisposeAsync()
    {
        Limiter.Dispose();
        await Source.DisposeAsync().ConfigureAwait(false);
        await Destination.DisposeAsync().ConfigureAwait(false);
    }
}
