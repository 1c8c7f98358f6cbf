using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>What an agent holds open for one task: its stores and its copier.</summary>
internal sealed class TaskRuntime : IAsyncDisposable
{
    private TaskRuntime(MigrationTask task, IObjectStore source, IObjectStore destination, ObjectCopier copier)
    {
        Task = task;
        Source = source;
        Destination = destination;
        Copier = copier;
    }

    public MigrationTask Task { get; }
    public IObjectStore Source { get; }
    public IObjectStore Destination { get; }
    public ObjectCopier Copier { get; }

    public static TaskRuntime Open(MigrationTask task, AgentConfig config, Action<long> onBytes)
    {
        var source = StoreFactory.Open(StoreLocation.Parse(task.Source, "Source"), Profile(task.SourceProfile, config));
        var destination = StoreFactory.Open(StoreLocation.Parse(task.Destination, "Destination"), Profile(task.DestinationProfile, config));
        var copier = new ObjectCopier(source, destination, task.SameNamePolicy, config.MaxAttempts, onBytes);
        return new TaskRuntime(task, source, destination, copier);
    }

    private static CredentialProfile? Profile(string? name, AgentConfig config)
    {
        if (name is null) return null;
        return config.FindProfile(name) ?? throw new MigrationException("ProfileNotFound", MigrationErrorKind.ObjectNotFound,
            $"Credential profile '{name}' is not defined in this agent's configuration ({config.SourcePath ?? "no agent.toml"}).", name);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync().ConfigureAwait(false);
        await Destination.DisposeAsync().ConfigureAwait(false);
    }
}
