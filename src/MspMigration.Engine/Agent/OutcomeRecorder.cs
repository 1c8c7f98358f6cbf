using System.Threading.Channels;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Records object outcomes in the control plane's journal (what status, retries and the failed
/// list read), as group commit: workers hand in an outcome and wait until it is durable,
/// while one loop commits whatever has queued in a single transaction. A worker takes its next
/// object only after its last outcome is committed, so a crash loses at most the objects in flight.
/// Named apart from <see cref="Transfer.AuditLog"/>, the optional file of objects written: this
/// is the record the migration runs on, that one a trail for people.
/// </summary>
internal sealed class OutcomeRecorder : IAsyncDisposable
{
    private readonly IControlPlane _store;
    private readonly Channel<(ObjectOutcomeRecord Record, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(ObjectOutcomeRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public OutcomeRecorder(IControlPlane store)
    {
        _store = store;
        _loop = Task.Run(LoopAsync);
    }

    public Task RecordAsync(ObjectOutcomeRecord record)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((record, done)))
            done.SetException(new ObjectDisposedException(nameof(OutcomeRecorder)));
        return done.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<(ObjectOutcomeRecord Record, TaskCompletionSource Done)>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 512 && _queue.Reader.TryRead(out var item)) batch.Add(item);
            Exception? failure = null;
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                try
                {
                    // Not cancellable: an outcome already earned must still be recorded on Ctrl+C.
                    await _store.RecordOutcomesAsync(batch.Select(b => b.Record).ToList(), CancellationToken.None).ConfigureAwait(false);
                    failure = null;
                    break;
                }
                catch (Exception e)
                {
                    failure = e;
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
                }
            }
            foreach (var (_, done) in batch)
            {
                if (failure is null) done.TrySetResult();
                else done.TrySetException(failure);
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
