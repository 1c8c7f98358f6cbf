using System.Buffers;
using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Streams;

/// <summary>
/// A large body read as several ranges at once and handed on in order. On a long link one TCP
/// stream is capped by its window; several ranges in flight fill the link. The first chunk comes
/// from the body already open; the next ones are fetched ahead into buffers while memory from the
/// agent's <see cref="MemoryBudget"/> allows (never waiting for it), and a chunk that got no buffer
/// is read straight from its range when its turn comes, so reading never deadlocks on the budget.
/// Whatever hashes above this stream sees every byte once, in order: the integrity checks of a
/// sequential read (CRC-64, MD5) hold unchanged. Pinning the version and resuming a broken range
/// are the opener's job.
/// </summary>
public sealed class ParallelRangeStream : ReadOnlyStream
{
    /// <summary>Opens the bytes <c>offset</c> to <c>end</c> (inclusive) of the same version of the object.</summary>
    public delegate Task<Stream> RangeOpener(long offset, long end, CancellationToken cancellationToken);

    private readonly long _length;
    private readonly long _chunk;
    private readonly int _ahead;
    private readonly RangeOpener _open;
    private readonly MemoryBudget _budget;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, Task<BudgetBuffer>> _fetches = [];
    private long _nextToFetch; // index of the first chunk not yet fetched or being fetched
    private long _position;
    private Stream? _direct;    // the chunk being read straight from its range
    private long _directEnd;
    private BudgetBuffer? _buffer; // the fetched chunk being handed on
    private long _bufferStart;

    public ParallelRangeStream(Stream first, long length, long chunkSize, int ahead, RangeOpener open, MemoryBudget budget)
    {
        _length = length;
        _chunk = Math.Max(1, chunkSize);
        _ahead = Math.Max(0, ahead);
        _open = open;
        _budget = budget;
        _direct = first;
        _directEnd = Math.Min(_chunk, length);
        _nextToFetch = 1;
    }

    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    private long ChunkCount => (_length + _chunk - 1) / _chunk;
    private long SizeOf(long index) => Math.Min(_chunk, _length - index * _chunk);

    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= _length) return 0;
        Schedule();
        if (_direct is null && _buffer is null) await NextChunkAsync(cancellationToken).ConfigureAwait(false);
        int n;
        if (_buffer is not null)
        {
            var offset = (int)(_position - _bufferStart);
            n = (int)Math.Min(buffer.Length, SizeOf(_bufferStart / _chunk) - offset);
            _buffer.Array.AsMemory(offset, n).CopyTo(buffer);
            _position += n;
            if (_position - _bufferStart == SizeOf(_bufferStart / _chunk)) ReleaseBuffer();
        }
        else
        {
            var want = (int)Math.Min(buffer.Length, _directEnd - _position);
            n = await _direct!.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new IOException($"The range ending at byte {_directEnd} ended at byte {_position}.");
            _position += n;
            if (_position == _directEnd) await CloseDirectAsync().ConfigureAwait(false);
        }
        Schedule();
        return n;
    }

    /// <summary>Starts fetches for the chunks after the current one, as far as the budget allows.</summary>
    private void Schedule()
    {
        var current = _position / _chunk;
        while (_nextToFetch < ChunkCount && _nextToFetch <= current + _ahead && _budget.TryRentAhead((int)SizeOf(_nextToFetch), out var buffer))
        {
            var index = _nextToFetch++;
            _fetches[index] = FetchAsync(index, buffer, _stop.Token);
        }
    }

    private async Task NextChunkAsync(CancellationToken cancellationToken)
    {
        var index = _position / _chunk;
        if (_fetches.Remove(index, out var fetch))
        {
            _buffer = await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            _bufferStart = index * _chunk;
            return;
        }
        // No buffer was free for this chunk: read it straight from its range.
        if (_nextToFetch <= index) _nextToFetch = index + 1;
        var start = index * _chunk;
        _directEnd = start + SizeOf(index);
        _direct = await _open(start, _directEnd - 1, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BudgetBuffer> FetchAsync(long index, BudgetBuffer buffer, CancellationToken cancellationToken)
    {
        var size = buffer.Length;
        try
        {
            var start = index * _chunk;
            await using var body = await _open(start, start + size - 1, cancellationToken).ConfigureAwait(false);
            var total = 0;
            while (total < size)
            {
                var n = await body.ReadAsync(buffer.Array.AsMemory(total, size - total), cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new IOException($"The range of bytes {start}-{start + size - 1} ended after {total} bytes.");
                total += n;
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private void ReleaseBuffer()
    {
        _buffer!.Dispose();
        _buffer = null;
    }

    private async ValueTask CloseDirectAsync()
    {
        var direct = _direct;
        _direct = null;
        try { if (direct is not null) await direct.DisposeAsync().ConfigureAwait(false); }
        catch (Exception) { /* the range was read to its end; closing it early may fail */ }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await CloseDirectAsync().ConfigureAwait(false);
        if (_buffer is not null) ReleaseBuffer();
        foreach (var fetch in _fetches.Values)
        {
            try
            {
                (await fetch.ConfigureAwait(false)).Dispose();
            }
            catch (Exception) { /* a failed fetch released its own buffer */ }
        }
        _fetches.Clear();
        _stop.Dispose();
    }
}
