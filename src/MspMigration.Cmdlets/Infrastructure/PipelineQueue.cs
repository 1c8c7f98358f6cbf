using System.Collections.Concurrent;
using System.Management.Automation;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// The message pump: engine threads post actions, and only the pipeline thread runs them,
/// because PowerShell allows Write* calls from that thread alone.
/// </summary>
internal sealed class PipelineQueue
{
    private readonly BlockingCollection<Action<PSCmdlet>> _queue = new();

    public void Post(Action<PSCmdlet> action)
    {
        try { _queue.Add(action); }
        catch (InvalidOperationException) { } // completed: the command is ending
    }

    /// <summary>Pumps until <paramref name="work"/> ends, then rethrows its failure, if any.</summary>
    public T Run<T>(PSCmdlet cmdlet, Task<T> work)
    {
        work.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
        foreach (var action in _queue.GetConsumingEnumerable())
            action(cmdlet);
        return work.GetAwaiter().GetResult();
    }
}
