using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Ends tasks: marks one finished once its last segment is done (and no archived object waits
/// for its restore), fails one whose store failed for
/// good (or for give_up_seconds), and tells the host each task's end once.
/// </summary>
internal sealed class TaskFinisher(AgentContext agent)
{
    private readonly HashSet<long> _notified = new();
    private readonly RestoreWatcher _restores = new(agent);

    /// <summary>True once the host has been told the task ended: its progress is no longer read.</summary>
    public bool HasEnded(long taskId)
    {
        lock (_notified) return _notified.Contains(taskId);
    }

    public async Task FinishIfDoneAsync(TaskRuntime runtime, CancellationToken ct)
    {
        if (await _restores.HoldsBackAsync(runtime, ct).ConfigureAwait(false)) return;
        var state = await agent.Store.TryFinishTaskAsync(runtime.Task.Id, ct).ConfigureAwait(false);
        if (state is MigrationTaskState.Completed or MigrationTaskState.CompletedWithFailures or MigrationTaskState.Failed)
            await NotifyAsync(runtime.Task, state).ConfigureAwait(false);
    }

    public async Task FailAsync(TaskRuntime runtime, string reason)
    {
        if (runtime.Ended) return;
        runtime.Ended = true;
        await FailAsync(runtime.Task, reason).ConfigureAwait(false);
    }

    /// <summary>Fails a task whatever this agent holds of it (also one it could not open).</summary>
    public async Task FailAsync(MigrationTask task, string reason)
    {
        await agent.Store.FailTaskAsync(task.Id, reason, CancellationToken.None).ConfigureAwait(false);
        await NotifyAsync(task, MigrationTaskState.Failed).ConfigureAwait(false);
    }

    /// <summary>
    /// A store failed as a whole with a transient cause: the task waits and tries again, and
    /// fails once the store has failed for give_up_seconds. The operator hears of each new cause once.
    /// </summary>
    public async Task StoreTroubleAsync(TaskRuntime runtime, string what, StoreException e)
    {
        var task = runtime.Task;
        var cause = SecretRedactor.Redact(e.Message);
        var giveUp = agent.Config.GiveUpAfter.TotalSeconds;
        switch (runtime.Trouble.Record(cause))
        {
            case TroubleVerdict.GiveUp:
                await FailAsync(runtime, $"{what} failed: {cause} Still failing after {runtime.Trouble.Failures} attempts " +
                    $"over {runtime.Trouble.FailingFor.TotalSeconds:N0} s (give_up_seconds is {giveUp:N0}).").ConfigureAwait(false);
                break;
            case TroubleVerdict.RetryNewCause:
                agent.Output.Warning($"Task '{task.Name}': {what} failed: {cause} Retrying for up to {giveUp:N0} s.");
                break;
            default:
                agent.Output.Info($"Task '{task.Name}': {what} failed again ({runtime.Trouble.Failures} attempts): {cause}");
                break;
        }
    }

    private async Task NotifyAsync(MigrationTask task, MigrationTaskState state)
    {
        lock (_notified)
            if (!_notified.Add(task.Id)) return;
        MigrationStatus status;
        try
        {
            status = await agent.Store.GetStatusAsync(task.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = new MigrationStatus { TaskName = task.Name, State = state }; // the control plane is busy: the state is known
        }
        agent.Output.TaskFinished(status);
    }
}
