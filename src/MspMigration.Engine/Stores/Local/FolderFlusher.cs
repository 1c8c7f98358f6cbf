namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// Group flush of folder entries: a file renamed into place is durable only once its folder is
/// flushed too. Workers that finish at about the same time hand in their folders and wait; one
/// flush loop flushes every folder handed in since its last round once, so many small files in one
/// folder pay one folder flush between them rather than one each (as the journal's group commit does).
/// </summary>
internal sealed class FolderFlusher(Action<string> flush)
{
    private readonly object _gate = new();
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private TaskCompletionSource _round = NewRound();
    private bool _running;

    /// <summary>Completes once every folder given has been flushed (after this call).</summary>
    public Task FlushAsync(IEnumerable<string> folders)
    {
        Task done;
        var start = false;
        lock (_gate)
        {
            foreach (var f in folders) _pending.Add(f);
            done = _round.Task;
            if (!_running) _running = start = true;
        }
        if (start) _ = Task.Run(Loop);
        return done;
    }

    private void Loop()
    {
        while (true)
        {
            HashSet<string> folders;
            TaskCompletionSource round;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }
                (folders, _pending) = (_pending, new HashSet<string>(StringComparer.Ordinal));
                (round, _round) = (_round, NewRound());
            }
            try
            {
                foreach (var folder in folders) flush(folder);
                round.SetResult();
            }
            catch (Exception e)
            {
                round.SetException(e);
            }
        }
    }

    private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
