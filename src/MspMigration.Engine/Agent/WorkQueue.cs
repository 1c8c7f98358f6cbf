using System.Threading.Channels;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Objects handed from the feed loop to the workers. The feed adds a claimed segment's objects
/// all at once and claims the next segment only when fewer than <c>lowWater</c> are left: it
/// wakes once per segment instead of once per object (a bounded channel would wake it for every
/// slot freed), and the agent still holds little more than one segment beyond what its workers copy.
/// </summary>
internal sealed class WorkQueue(int lowWater) : IDisposable
{
    private readonly Channel<WorkItem> _channel = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _room = new(0, 1);

    public void Add(WorkItem item) => _channel.Writer.TryWrite(item);

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Returns once fewer than the low-water mark of objects are waiting.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (_channel.Reader.Count >= lowWater)
            await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<WorkItem> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (reader.Count < lowWater && _room.CurrentCount == 0) SignalRoom();
                yield return item;
            }
        }
    }

    private void SignalRoom()
    {
        try { _room.Release(); }
        catch (SemaphoreFullException) { } // another worker signalled first
    }

    public void Dispose() => _room.Dispose();
}
