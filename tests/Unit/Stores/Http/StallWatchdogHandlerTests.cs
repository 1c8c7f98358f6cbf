using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MspMigration.Engine.Stores.Http;

namespace MspMigration.Tests.Unit.Stores.Http;

/// <summary>
/// The watchdog against a real socket server that misbehaves on purpose: never answers, stops
/// mid-body, or trickles. A stall must end after the stall time; a slow but moving body must not.
/// </summary>
public sealed class StallWatchdogHandlerTests : IDisposable
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public StallWatchdogHandlerTests() => _listener.Start();

    private Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/bucket/key");

    private static HttpClient Client(ExchangeLimits? limits = null) =>
        new(new StallWatchdogHandler(Stall, _ => limits ?? new(TimeSpan.FromSeconds(30), null), new SocketsHttpHandler { MaxResponseDrainSize = 0 }))
        { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Accepts connections, reads the request head, and answers with <paramref name="answer"/>.</summary>
    private void Serve(Func<NetworkStream, CancellationToken, Task> answer) => _ = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(async () =>
            {
                using var _ = socket;
                var stream = socket.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, _stop.Token) == 1)
                    head.Append((char)buffer[0]);
                try { await answer(stream, _stop.Token); } catch (Exception) { /* the client gave up: expected */ }
            });
        }
    });

    private static Task Send(NetworkStream s, string text, CancellationToken ct) => s.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    [Fact]
    public async Task A_request_never_answered_ends_after_the_stall_time()
    {
        Serve((_, ct) => Task.Delay(Timeout.Infinite, ct));
        using var client = Client();
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Address)));
        Assert.Contains("no bytes moved for 1 s", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 2.5);
    }

    [Fact]
    public async Task A_body_that_stops_ends_after_the_stall_time()
    {
        Serve(async (s, ct) =>
        {
            await Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789", ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        using var client = Client();
        using var response = await client.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => body.CopyToAsync(Stream.Null));
        Assert.Contains("while reading its body", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 2.5);
    }

    [Fact]
    public async Task A_slow_body_that_keeps_moving_is_not_a_stall()
    {
        Serve(async (s, ct) =>
        {
            await Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n", ct);
            for (var i = 0; i < 8; i++) { await Task.Delay(400, ct); await Send(s, "x", ct); }
        });
        using var client = Client();
        Assert.Equal("xxxxxxxx", await client.GetStringAsync(Address));
    }

    [Fact]
    public async Task A_reader_busy_elsewhere_is_not_a_stall()
    {
        Serve(async (s, ct) =>
        {
            await Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", ct);
            await Task.Delay(300, ct);
            await Send(s, "cd", ct);
        });
        using var client = Client();
        using var response = await client.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead);
        await Task.Delay(Stall * 2.5); // the consumer is slow, not the network
        Assert.Equal("abcd", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_control_request_that_trickles_ends_at_its_cap()
    {
        Serve(async (s, ct) =>
        {
            await Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", ct);
            for (var i = 0; i < 100; i++) { await Task.Delay(200, ct); await Send(s, "x", ct); }
        });
        using var client = Client(new ExchangeLimits(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.GetStringAsync(Address));
        Assert.Contains("longer than 2 s", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.8, 4);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
