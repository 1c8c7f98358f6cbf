using System.Net;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// The one HttpClient every URL-list store in the process shares, so connections are pooled
/// across tasks. Stalls are detected per request by the store (headers) and per read by
/// <see cref="HttpBodyStream"/> (a stalled body), both after stall_seconds, not by
/// HttpClient.Timeout, which would cut off a large object that is still arriving.
/// </summary>
internal static class UrlHttpClient
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    /// <summary>The default stall_seconds: no byte for this long ends a request.</summary>
    public static readonly TimeSpan DefaultStall = TimeSpan.FromSeconds(30);

    private static readonly Lazy<HttpClient> SharedClient = new(Create);

    public static HttpClient Shared => SharedClient.Value;

    private static HttpClient Create()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            // The handler would follow a redirect to ftp:// or file:// too, so the store follows
            // redirects itself (RedirectPolicy), between http(s) URLs only.
            AllowAutoRedirect = false,
            // The bytes are stored as served: a gzip body stays gzip, its Content-Encoding kept.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = true,
            // Connections are renewed now and then so a changed DNS answer is seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("MspMigration/0.1");
        return client;
    }
}
