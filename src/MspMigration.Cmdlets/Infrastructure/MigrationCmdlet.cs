using System.Management.Automation;
using MspMigration.Cmdlets.Progress;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// The base of every cmdlet: Ctrl+C cancellation, the message pump (only the pipeline thread
/// writes), throttled progress and ErrorRecords with stable ids.
/// </summary>
public abstract class MigrationCmdlet : PSCmdlet, IDisposable
{
    // Typed as IDisposable: an engine-typed field would make PowerShell load the engine
    // while it inspects the cmdlet, before the module initializer has set up its load context.
    private IDisposable? _service;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ProgressThrottle _progress = new(TimeSpan.FromMilliseconds(250));
    private PipelineQueue? _queue;

    /// <summary>agent.toml to use; defaults to $env:MSPMIGRATION_CONFIG, then ~/.mspmigration/agent.toml.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>
    /// True only for the commands that may create the control plane (a new task, an agent);
    /// every other command fails with ControlPlaneNotFound rather than make an empty one.
    /// </summary>
    protected virtual bool CreatesControlPlane => false;

    /// <summary>False when the engine reports agent.toml's warnings itself (a running agent).</summary>
    protected virtual bool WritesConfigWarnings => true;

    /// <summary>The engine facade, opened on first use and closed when the command ends.</summary>
    internal Engine.Facade.MigrationService Service()
    {
        if (_service is null)
        {
            var config = ConfigPath is null ? null : ResolvePath(ConfigPath);
            var service = Run(ct => Engine.Facade.MigrationService.OpenAsync(config, CreatesControlPlane, ct));
            _service = service;
            if (WritesConfigWarnings) WriteConfigWarnings();
        }
        return (Engine.Facade.MigrationService)_service;
    }

    private bool _configWarned;

    /// <summary>Typos and risky settings in agent.toml, once per command.</summary>
    protected void WriteConfigWarnings()
    {
        if (_configWarned) return;
        _configWarned = true;
        Service().ReportConfigWarnings(new CmdletOutput(this));
    }

    /// <summary>
    /// The task names a -Name value stands for. A literal name is returned as typed, so that the
    /// engine reports TaskNotFound for it; a wildcard is matched (ignoring case) against the
    /// tasks that exist now and, by PowerShell's convention, may match none without an error.
    /// </summary>
    internal IReadOnlyList<string> ExpandTaskName(string name)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(name)) return [name];
        var service = Service();
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
        return Run(service.ListTasksAsync).Where(t => pattern.IsMatch(t.Name)).Select(t => t.Name).ToList();
    }

    /// <summary>
    /// Runs <paramref name="action"/> for every task the -Name values stand for. A literal name that
    /// matches no task is a non-terminating TaskNotFound, so the other names are still served;
    /// any other failure ends the command.
    /// </summary>
    internal void ForEachTask(IEnumerable<string> names, Action<Engine.Facade.MigrationService, string> action)
    {
        foreach (var given in names)
        {
            try
            {
                var service = Service();
                foreach (var name in ExpandTaskName(given)) action(service, name);
            }
            catch (MigrationException e) when (e.ErrorId == "TaskNotFound")
            {
                Report(e);
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                Fail(e);
            }
        }
    }

    protected override void EndProcessing() => Dispose();

    public void Dispose()
    {
        _service?.Dispose();
        _service = null;
        GC.SuppressFinalize(this);
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>Cancels the running work as Ctrl+C does, without stopping the pipeline (e.g. on SIGTERM).</summary>
    protected void CancelWork() => _cancellation.Cancel();

    /// <summary>Runs engine work off the pipeline thread while pumping its output onto it.</summary>
    protected T RunPumped<T>(Func<CancellationToken, Task<T>> work)
    {
        var queue = new PipelineQueue();
        _queue = queue;
        try
        {
            return queue.Run(this, Task.Run(() => work(Cancellation)));
        }
        finally
        {
            _queue = null;
        }
    }

    /// <summary>Runs engine work that writes nothing while it runs.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work) => Task.Run(() => work(Cancellation)).GetAwaiter().GetResult();

    // Thread-safe writers: on the pipeline thread they write at once, elsewhere they queue.
    internal void Post(Action<PSCmdlet> action)
    {
        if (_queue is { } queue) queue.Post(action);
        else action(this);
    }

    internal void PostVerbose(string message) => Post(c => c.WriteVerbose(message));
    internal void PostWarning(string message) => Post(c => c.WriteWarning(message));
    internal void PostObject(object value) => Post(c => c.WriteObject(value));

    internal void PostProgress(ProgressRecord record)
    {
        if (_progress.ShouldWrite(record)) Post(c => c.WriteProgress(record));
    }

    /// <summary>
    /// False when progress would be discarded ($ProgressPreference or -ProgressAction is
    /// SilentlyContinue or Ignore), so that the work of computing it can be skipped too.
    /// </summary>
    protected bool ShowsProgress
    {
        get
        {
            var value = MyInvocation.BoundParameters.TryGetValue("ProgressAction", out var bound) ? bound : GetVariableValue("ProgressPreference");
            if (value is PSObject wrapped) value = wrapped.BaseObject;
            var text = value?.ToString();
            return !string.Equals(text, nameof(ActionPreference.SilentlyContinue), StringComparison.OrdinalIgnoreCase)
                && !string.Equals(text, nameof(ActionPreference.Ignore), StringComparison.OrdinalIgnoreCase);
        }
    }

    protected void Fail(Exception exception) => ThrowTerminatingError(ErrorRecords.From(exception));

    protected void Report(Exception exception) => WriteError(ErrorRecords.From(exception));

    /// <summary>Resolves a -Path the way other cmdlets do: relative to the current PowerShell location.</summary>
    protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
