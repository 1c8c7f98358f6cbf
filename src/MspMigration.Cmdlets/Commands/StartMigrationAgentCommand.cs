using System.Management.Automation;
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
    /// <summary>
    /// Work only on these tasks; all tasks when omitted. A name that exists nowhere is an error;
    /// wildcards are matched against the tasks that exist when the agent starts.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
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

    private bool WhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent;

    // An agent makes the control plane it is pointed at; a dry run changes nothing.
    protected override bool CreatesControlPlane => !WhatIf;

    // A running agent reports agent.toml's warnings itself; the paths that start none write them here.
    protected override bool WritesConfigWarnings => false;

    protected override void ProcessRecord()
    {
        if (TaskName is not null) _tasks.AddRange(TaskName);
    }

    /// <summary>
    /// The tasks the names stand for, each once. Literal names that match no task are reported as
    /// TaskNotFound (not silently served by an agent that then waits for nothing).
    /// </summary>
    private List<string> ResolveTasks()
    {
        var resolved = new List<string>();
        foreach (var given in _tasks)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(given))
            {
                var service = Service();
                try { resolved.Add(Run(ct => service.GetTaskAsync(given, ct)).Name); }
                catch (MigrationException e) when (e.ErrorId == "TaskNotFound") { WriteError(ErrorRecords.From(e)); }
            }
            else
            {
                resolved.AddRange(ExpandTaskName(given));
            }
        }
        return resolved.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The dry run: what a run would copy, overwrite and skip, from listings only.</summary>
    private void WritePlan(Engine.Facade.MigrationService service, List<string> tasks) =>
        RunPumped(async ct =>
        {
            await foreach (var item in service.PlanAgentRunAsync(tasks, ct).ConfigureAwait(false)) PostObject(item);
            return true;
        });

    protected override void EndProcessing()
    {
        try
        {
            var service = Service();
            var tasks = ResolveTasks();
            if (_tasks.Count > 0 && tasks.Count == 0)
            {
                // Without this, an empty list would mean every task.
                WriteConfigWarnings();
                WriteVerbose("No task matches -TaskName; the agent does not start.");
                return;
            }
            if (WhatIf)
            {
                WriteConfigWarnings();
                WritePlan(service, tasks);
                return;
            }
            var name = service.AgentName(AgentName);
            if (!ShouldProcess($"agent '{name}' on {service.ControlPlaneDescription}", "Start migration agent")) return;
            var options = new Engine.Agent.AgentRunOptions
            {
                ExitWhenIdle = ExitWhenIdle,
                TaskNames = tasks,
                AgentName = AgentName,
                Concurrency = Concurrency > 0 ? Concurrency : null,
                TaskProgressInterval = ShowsProgress ? TaskProgressInterval : null,
            };
            var output = new CmdletOutput(this) { AgentName = name };
            AgentRunSummary? summary = null;
            using var termination = new TerminationSignal(CancelWork);
            try
            {
                summary = RunPumped(ct => service.RunAgentAsync(options, output, ct));
            }
            // SIGTERM while the agent was still starting (registering, opening its first tasks):
            // there is no run to sum up, but it is the same stop, not a failure.
            catch (OperationCanceledException) when (termination.Received)
            {
            }
            finally
            {
                output.Complete();
            }
            if (summary is not null)
            {
                WriteObject(summary);
                ReportUncleanTasks(service, output.Finished);
                if (ExitWhenIdle && !summary.Cancelled) ReportNotWorkable(output);
            }
            if (termination.Received)
            {
                // The summary and the error still reach the pipeline; then the process ends with
                // the code a shell gives a process ended by SIGTERM, 128 + 15.
                WriteError(new ErrorRecord(new MigrationException("AgentStopped", MigrationErrorKind.InvalidOperation,
                    $"Agent '{name}' stopped on SIGTERM: it gave its segments back, and the objects it had not finished stay pending for the next run.", name),
                    "AgentStopped", ErrorCategory.OperationStopped, name));
                Host.SetShouldExit(TerminationSignal.ExitCode);
            }
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            Fail(e);
        }
        finally
        {
            base.EndProcessing();
        }
    }

    // With -ExitWhenIdle the agent returns when only tasks it cannot open remain: that is not a
    // finished migration, so each such task is an error (another agent may still do it).
    private void ReportNotWorkable(CmdletOutput output)
    {
        foreach (var (task, reason) in output.NotWorkable.OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (output.Finished.ContainsKey(task)) continue;
            WriteError(new ErrorRecord(new MigrationException("TaskNotWorkableHere", MigrationErrorKind.InvalidOperation,
                $"This agent cannot work on task '{task}': {reason} An agent that has what it needs can; or add it to this agent's configuration.", task),
                "TaskNotWorkableHere", ErrorCategory.ResourceUnavailable, task));
        }
    }

    // A non-terminating error per task that did not complete cleanly: $? turns false, `pwsh -c`
    // exits 1, and -ErrorAction Stop makes it terminating; the summary is written first.
    private void ReportUncleanTasks(Engine.Facade.MigrationService service, IReadOnlyDictionary<string, MigrationTaskState> finished)
    {
        foreach (var (task, state) in finished.OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (state == MigrationTaskState.Completed) continue;
            // Not the command's token: after SIGTERM it is cancelled, and this short read must still be made.
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            WriteError(ErrorRecords.TaskNotClean(Run(_ => service.GetStatusAsync(task, read.Token))));
        }
    }
}
