using Amazon.Runtime;
using MspMigration.Engine.Stores.Http;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// The SDK's HttpClient, with a stall watchdog on every request (<see cref="StallWatchdogHandler"/>).
/// Bodies (PUT, UploadPart, GET of an object) may take long while they move: a PUT is capped by
/// timeout_seconds, a GET only up to its response headers since its body is consumed as fast as
/// the destination takes it. Control requests (HEAD, LIST, initiate, complete, abort, delete) are
/// small and get a short cap of their own, <see cref="ControlTimeout"/>.
/// </summary>
internal sealed class S3HttpClientFactory(S3StoreSettings settings) : HttpClientFactory
{
    private HttpClient? _client;

    /// <summary>The cap of a control request: twice the stall time.</summary>
    public static TimeSpan ControlTimeout(TimeSpan stall) => stall * 2;

    // The SDK asks for a client per request when it does not cache them: one per store, so connections are pooled.
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        LazyInitializer.EnsureInitialized(ref _client, Create);

    private HttpClient Create()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.StallTimeout,
            // Connections are renewed now and then so a changed DNS answer is seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            // An abandoned body closes its connection at once instead of being drained.
            MaxResponseDrainSize = 0,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        var watchdog = new StallWatchdogHandler(settings.StallTimeout, Limits, handler);
        return new HttpClient(watchdog) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private ExchangeLimits Limits(HttpRequestMessage request)
    {
        var control = ControlTimeout(settings.StallTimeout);
        var query = request.RequestUri?.Query ?? "";
        if (request.Method == HttpMethod.Put && !query.Contains("uploads", StringComparison.Ordinal))
            return new(settings.RequestTimeout, settings.RequestTimeout);
        if (request.Method == HttpMethod.Get && !IsListing(query))
            return new(settings.RequestTimeout, null);
        return new(control, control);
    }

    private static bool IsListing(string query) =>
        query.Contains("list-type=", StringComparison.Ordinal) || query.Contains("uploads", StringComparison.Ordinal)
        || query.Contains("uploadId=", StringComparison.Ordinal) || query.Contains("prefix=", StringComparison.Ordinal)
        || query.Contains("location", StringComparison.Ordinal);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    public override string GetConfigUniqueString(IClientConfig clientConfig) => "mspmigration-watchdog";
}
