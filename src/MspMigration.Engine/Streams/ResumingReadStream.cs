namespace MspMigration.Engine.Streams;

/// <summary>
/// A body of known length that continues where it broke: when a read fails with a resumable
/// error (or the body ends early), the next body is opened at the byte reached and reading goes
/// on, so whatever hashes the bytes above this stream carries its state across the break instead
/// of reading the object again from byte 0. Pinning the version (If-Match) is the opener's job.
/// A break after new bytes resets the count; <c>maxResumesWithoutProgress</c> breaks in a row
/// with no byte between them end the read with the last failure.
/// </summary>
public sealed class ResumingReadStream : ReadOnlyStream
{
    /// <summary>Opens the object's body from <c>offset</c> to its end.</summary>
    public delegate Task<Stream> Opener(long offset, CancellationToken cancellationToken);

    private readonly long _length;
    private readonly Opener _reopen;
    private readonly Func<Exception, bool> _canResume;
    private readonly int _maxResumesWithoutProgress;
    private Stream _current;
    private int _failuresWithoutProgress;

    public ResumingReadStream(Stream first, long length, Opener reopen, Func<Exception, bool> canResume, int maxResumesWithoutProgress)
    {
        _current = first;
        _length = length;
        _reopen = reopen;
        _canResume = canResume;
        _maxResumesWithoutProgress = Math.Max(0, maxResumesWithoutProgress);
    }

    /// <summary>How many times the body was opened again after a break.</summary>
    public int Resumes { get; private set; }

    public override long Length => _length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            Exception? failure;
            try
            {
                var n = _current.Read(buffer);
                if (Accept(n, buffer.Length)) return n;
                failure = null;
            }
            catch (Exception e) when (_canResume(e))
            {
                failure = e;
            }
            ResumeAfter(failure, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Exception? failure;
            try
            {
                var n = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (Accept(n, buffer.Length)) return n;
                failure = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && _canResume(e))
            {
                failure = e;
            }
            await ResumeAfter(failure, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="n"/> can be handed on; false when the body ended before its length.</summary>
    private bool Accept(int n, int asked)
    {
        if (n > 0)
        {
            BytesRead += n;
            _failuresWithoutProgress = 0;
            return true;
        }
        return asked == 0 || BytesRead >= _length;
    }

    private async Task ResumeAfter(Exception? failure, CancellationToken cancellationToken)
    {
        if (++_failuresWithoutProgress > _maxResumesWithoutProgress)
        {
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw new IOException($"The body ended after {BytesRead} of {_length} bytes.");
        }
        await DisposeCurrentAsync().ConfigureAwait(false);
        _current = Stream.Null; // a failed reopen must not leave a broken body to be disposed twice
        // A break after the last byte loses nothing: there is no range left to ask for.
        _current = BytesRead >= _length ? Stream.Null : await _reopen(BytesRead, cancellationToken).ConfigureAwait(false);
        Resumes++;
    }

    private async ValueTask DisposeCurrentAsync()
    {
        try { await _current.DisposeAsync().ConfigureAwait(false); }
        catch (Exception) { /* a broken connection may fail to close; it is being replaced */ }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _current.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
