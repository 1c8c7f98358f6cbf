using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// A response body as a read-only stream that gives up when no byte arrives for a while (a
/// stalled server would otherwise hold a worker for ever) and reports failures as transient
/// store errors naming the URL. Disposing it releases the response and its connection.
/// </summary>
internal sealed class HttpBodyStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly HttpResponseMessage _response;
    private readonly string _url;
    private readonly int _line;
    private readonly TimeSpan _idleTimeout;
    private long _read;

    public HttpBodyStream(Stream inner, HttpResponseMessage response, string url, int line, TimeSpan idleTimeout)
    {
        _inner = inner;
        _response = response;
        _url = url;
        _line = line;
        _idleTimeout = idleTimeout;
    }

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_idleTimeout);
        try
        {
            var n = await _inner.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            _read += n;
            return n;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException(StoreErrorKind.Transient,
                $"GET {_url} stalled: no data for {_idleTimeout.TotalSeconds:0} s after {_read} bytes (URL list line {_line}).",
                reason: FailureReason.Timeout);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new StoreException(StoreErrorKind.Transient,
                $"GET {_url} broke off after {_read} bytes: {HttpFailures.Reasons(e)} (URL list line {_line}).", e, FailureReason.ConnectionFailed);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _response.Dispose();
        }
        base.Dispose(disposing);
    }
}
