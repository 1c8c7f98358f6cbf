using System.Net;

namespace MspMigration.Tests.Unit.Stores.UrlList;

/// <summary>Answers requests from a function, records them, and can serve bodies of any shape.</summary>
internal sealed class FakeHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add(request);
        return Task.FromResult(answer(request));
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new ByteArrayContent([]) };

    public static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    /// <summary>A body whose length is not known in advance, as a chunked response has.</summary>
    public static HttpResponseMessage Chunked(byte[] body) => new(HttpStatusCode.OK) { Content = new UnknownLengthContent(body) };

    /// <summary>Announces <paramref name="announced"/> bytes but delivers <paramref name="body"/>, then fails if asked.</summary>
    public static HttpResponseMessage Truncated(byte[] body, long announced, bool breakOff)
    {
        var content = new StreamContent(new BrokenStream(body, breakOff));
        content.Headers.ContentLength = announced;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();
        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new MemoryStream(body, writable: false));
        protected override bool TryComputeLength(out long length) { length = 0; return false; }
    }

    private sealed class BrokenStream(byte[] body, bool breakOff) : MemoryStream(body, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            if (n == 0 && breakOff) throw new IOException("The response ended prematurely.");
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = base.Read(buffer.Span);
            if (n == 0 && breakOff) throw new IOException("The response ended prematurely.");
            return ValueTask.FromResult(n);
        }
    }
}
