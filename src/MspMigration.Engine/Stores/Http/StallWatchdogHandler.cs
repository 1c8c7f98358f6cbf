using System.Net;

namespace MspMigration.Engine.Stores.Http;

/// <summary>What bounds one HTTP exchange: the stall time, and the cap up to the response headers and after them.</summary>
internal readonly record struct ExchangeLimits(TimeSpan? CapToHeaders, TimeSpan? CapOfBody);

/// <summary>
/// A watchdog on every request of an HttpClient: an exchange in which no byte moves for the
/// stall time is aborted with a <see cref="TimeoutException"/> (a transient failure the retry
/// layers take), instead of waiting for a time-out sized for the largest body. Each request is
/// also capped as <paramref name="limitsOf"/> says (short for control requests, the body time-out
/// for a body).
/// </summary>
internal sealed class StallWatchdogHandler(TimeSpan stall, Func<HttpRequestMessage, ExchangeLimits> limitsOf, HttpMessageHandler inner)
    : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var limits = limitsOf(request);
        var watch = new ProgressWatch(stall, limits.CapToHeaders, cancellationToken);
        HttpResponseMessage response;
        try
        {
            if (request.Content is { } content) request.Content = new WatchedContent(content, watch);
            watch.BeginWait();
            response = await base.SendAsync(request, watch.Token).ConfigureAwait(false);
            watch.EndWait();
        }
        catch (Exception e) when (watch.Fired && !cancellationToken.IsCancellationRequested)
        {
            var reason = watch.Reason;
            watch.Dispose();
            throw new TimeoutException($"{request.Method} {Describe(request)} was abandoned: {reason}.", e);
        }
        catch
        {
            watch.Dispose();
            throw;
        }
        watch.SetCap(limits.CapOfBody);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var watched = new WatchedReadStream(body, watch, $"{request.Method} {Describe(request)}");
        var replacement = new StreamContent(watched);
        foreach (var header in response.Content.Headers) replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = replacement;
        return response;
    }

    // Path only: a query may carry a presigned signature.
    private static string Describe(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "(no address)";
}

/// <summary>A request body whose writes count as progress.</summary>
internal sealed class WatchedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ProgressWatch _watch;

    public WatchedContent(HttpContent inner, ProgressWatch watch)
    {
        _inner = inner;
        _watch = watch;
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        _inner.CopyToAsync(new ProgressWriteStream(stream, _watch), context);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(new ProgressWriteStream(stream, _watch), context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    private sealed class ProgressWriteStream(Stream inner, ProgressWatch watch) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            watch.Progress();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Large writes are cut so that a slow but moving upload keeps showing progress.
            for (var i = 0; i < buffer.Length; i += 64 * 1024)
            {
                await inner.WriteAsync(buffer.Slice(i, Math.Min(64 * 1024, buffer.Length - i)), cancellationToken).ConfigureAwait(false);
                watch.Progress();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}

/// <summary>A response body: each pending read is watched, and the end of the body ends the watch.</summary>
internal sealed class WatchedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly ProgressWatch _watch;
    private readonly string _what;
    private int _disposed;

    public WatchedReadStream(Stream inner, ProgressWatch watch, string what)
    {
        _inner = inner;
        _watch = watch;
        _what = what;
        // A read that no token reaches (a synchronous one) ends when its connection closes.
        watch.OnAbort(inner.Dispose);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;
    public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _watch.BeginWait();
        try
        {
            var n = _inner.Read(buffer);
            if (n == 0 && buffer.Length > 0) _watch.Dispose();
            return n;
        }
        catch (Exception e) when (_watch.Fired)
        {
            throw Stalled(e);
        }
        finally
        {
            _watch.EndWait();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _watch.BeginWait();
        try
        {
            var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            // The whole body is in: nothing left to watch.
            if (n == 0 && buffer.Length > 0) _watch.Dispose();
            return n;
        }
        catch (Exception e) when (_watch.Fired && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(e);
        }
        finally
        {
            _watch.EndWait();
        }
    }

    private TimeoutException Stalled(Exception e) => new($"{_what} was abandoned while reading its body: {_watch.Reason}.", e);

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _watch.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
