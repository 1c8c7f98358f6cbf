using System.Net;
using System.Net.Sockets;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Tests.Unit.Stores.UrlList;

/// <summary>The shared client against a real socket: what redirects and framing do on the wire.</summary>
public sealed class UrlListStoreHttpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msp-urlhttp-").FullName;
    private readonly HttpListener _listener = new();
    private readonly string _base;

    public UrlListStoreHttpTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _base = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_base);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _listener.Close();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var response = context.Response;
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/to-ftp":
                    response.StatusCode = 302;
                    response.RedirectLocation = "ftp://127.0.0.1/secret";
                    break;
                case "/to-file":
                    response.StatusCode = 302;
                    response.RedirectLocation = "file:///etc/passwd";
                    break;
                case "/to-data":
                    response.StatusCode = 301;
                    response.RedirectLocation = _base + "data";
                    break;
                case "/chunked":
                    response.SendChunked = true;
                    await response.OutputStream.WriteAsync("abc"u8.ToArray());
                    break;
                case "/data":
                    response.ContentLength64 = 4;
                    await response.OutputStream.WriteAsync("data"u8.ToArray());
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }
            response.Close();
        }
    }

    private UrlListStore Store(params string[] paths)
    {
        var list = Path.Combine(_dir, "list.txt");
        File.WriteAllLines(list, paths.Select(p => _base + p));
        return new UrlListStore(list, "");
    }

    [Theory]
    [InlineData("to-ftp")]
    [InlineData("to-file")]
    public async Task Does_not_follow_a_redirect_to_another_scheme(string path)
    {
        await using var store = Store(path);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync(path, CancellationToken.None));
        Assert.Equal(StoreErrorKind.Other, e.Kind);
        Assert.Contains("302", e.Message);
        Assert.Contains("redirect", e.Message);
    }

    [Fact]
    public async Task Follows_an_http_redirect_and_keeps_the_listed_key()
    {
        await using var store = Store("to-data");
        await using var reader = await store.OpenReadAsync("to-data", CancellationToken.None);
        Assert.Equal(4, reader.Info.Size);
        var copy = new MemoryStream();
        await reader.Content.CopyToAsync(copy);
        Assert.Equal("data"u8.ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task Fails_a_chunked_response_that_announces_no_size()
    {
        await using var store = Store("chunked");
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("chunked", CancellationToken.None));
        Assert.Contains("Content-Length", e.Message);
    }
}
