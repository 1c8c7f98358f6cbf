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
        PipelineStoppedException? stopped = null;
        foreach (var action in _queue.GetConsumingEnumerable())
        {
            // Once Ctrl+C has stopped the pipeline every Write throws; keep draining without
            // writing until the (cancelled) work has ended, so that an agent still gives its
            // segments back before the process may exit.
            if (stopped is not null) continue;
            try { action(cmdlet); }
            catch (PipelineStoppedException e) { stopped = e; }
        }
        if (stopped is not null)
        {
            try { work.GetAwaiter().GetResult(); } catch (Exception) { }
            throw stopped;
        }
        return work.GetAwaiter().GetResult();
    }
}
