using System.Management.Automation;
using MspMigration.Cmdlets.Bridge;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>
/// Runs an agent in this session: it polls the control plane for tasks, lists the tasks it is
/// master of and copies segments, until Ctrl+C (or, with -ExitWhenIdle, until no task is left).
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MigrationAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AgentRunSummary))]
[OutputType(typeof(PlannedObject))]
public sealed class StartMigrationAgentCommand : MigrationCmdlet
{
    /// <summary>Work only on these tasks (by name); all tasks when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? TaskName { get; set; }

    /// <summary>Overrides the agent name of agent.toml (default: the host name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentNameCompleter))]
    public string? AgentName { get; set; }

    /// <summary>Objects copied at once; overrides agent.toml.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Concurrency { get; set; }

    /// <summary>Return once every task this agent could work on has finished, instead of polling forever.</summary>
    [Parameter]
    public SwitchParameter ExitWhenIdle { get; set; }

    private static readonly TimeSpan TaskProgressInterval = TimeSpan.FromSeconds(2);
    private readonly List<string> _tasks = [];

    protected override void ProcessRecord()
    {
        if (TaskName is not null) _tasks.AddRange(TaskName);
    }

    /// <summary>The dry run: what a run would copy, overwrite and skip, from listings only.</summary>
    private void WritePlan(Engine.Facade.MigrationService service)
    {
        var names = _tasks.Count > 0 ? _tasks
            : Run(service.ListTasksAsync).Where(t => t.State is MigrationTaskState.Pending or MigrationTaskState.Running).Select(t => t.Name).ToList();
        foreach (var task in names)
        {
            RunPumped(async ct =>
            {
                await foreach (var item in service.PlanAsync(task, ct).ConfigureAwait(false)) PostObject(item);
                return true;
            });
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            var service = Service();
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && ((SwitchParameter)whatIf).IsPresent)
            {
                WritePlan(service);
                return;
            }
            var name = AgentName ?? service.Config.AgentName;
            if (!ShouldProcess($"agent '{name}' on {service.ControlPlaneDescription}", "Start migration agent")) return;
            var options = new Engine.Agent.AgentRunOptions
            {
                ExitWhenIdle = ExitWhenIdle,
                TaskNames = _tasks,
                AgentName = AgentName,
                Concurrency = Concurrency > 0 ? Concurrency : null,
                TaskProgressInterval = ShowsProgress ? TaskProgressInterval : null,
            };
            var observer = new AgentObserver(this, name);
            AgentRunSummary summary;
            try
            {
                summary = RunPumped(ct => service.RunAgentAsync(options, observer, ct));
            }
            finally
            {
                observer.Complete();
            }
            WriteObject(summary);
            ReportUncleanTasks(service, observer.Finished);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e);
        }
        finally
        {
            base.EndProcessing();
        }
    }

    // A non-terminating error per task that did not complete cleanly: $? turns false, `pwsh -c`
    // exits 1, and -ErrorAction Stop makes it terminating; the summary is written first.
    private void ReportUncleanTasks(Engine.Facade.MigrationService service, IReadOnlyDictionary<string, MigrationTaskState> finished)
    {
        foreach (var (task, state) in finished.OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (state == MigrationTaskState.Completed) continue;
            WriteError(ErrorRecords.TaskNotClean(Run(ct => service.GetStatusAsync(task, ct))));
        }
    }
}
