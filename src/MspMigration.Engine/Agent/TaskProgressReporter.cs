namespace MspMigration.Engine.Agent;

/// <summary>
/// Reads the control plane's status of the tasks this agent works on for the host's per-task
/// progress; does nothing when the host shows none (it saves the queries).
/// </summary>
internal sealed class TaskProgressReporter(AgentContext agent, TaskRuntimes runtimes, TaskFinisher finisher, bool enabled)
{
    public bool Enabled => enabled;

    /// <summary>The given tasks, or every open one; tasks already ended are left out.</summary>
    public async Task ReportAsync(IReadOnlyList<long>? taskIds, CancellationToken ct)
    {
        if (!enabled) return;
        foreach (var id in (taskIds ?? runtimes.OpenIds()).Where(id => !finisher.HasEnded(id)).ToArray())
        {
            try
            {
                agent.Output.TaskProgress(await agent.Store.GetStatusAsync(id, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Progress is a courtesy: a busy or briefly unreachable control plane must not stop the agent.
            }
        }
    }
}
