namespace MspMigration.Engine.Agent;

/// <summary>
/// Which tasks an agent works on: pending or running ones, and of those only the ones named when
/// names are given. The feed loop and the dry run of a run (Start-MigrationAgent -WhatIf) ask here.
/// </summary>
internal static class WorkableTasks
{
    public static bool IsWorkable(MigrationTask task) => task.State is MigrationTaskState.Pending or MigrationTaskState.Running;

    public static List<MigrationTask> Of(IEnumerable<MigrationTask> tasks, IReadOnlyCollection<string> names) =>
        tasks.Where(IsWorkable)
            .Where(t => names.Count == 0 || names.Contains(t.Name, StringComparer.OrdinalIgnoreCase))
            .ToList();
}
