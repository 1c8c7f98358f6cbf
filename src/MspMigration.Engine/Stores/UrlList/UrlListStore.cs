using System.Net;
using System.Net.Http.Headers;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// A read-only source made of a text file of http(s) URLs (MSP's URL-list mode). The list is
/// read and sorted by destination key on first use, by the master to list it and by every
/// agent to find a key's URL, so it must be at the same absolute path on each agent. A URL
/// list carries no sizes: listings report 0, and the real size is the Content-Length of the GET.
/// </summary>
public sealed class UrlListStore : IObjectStore
{
    private readonly string _listPath;
    private readonly string _stripPrefix;
    private readonly HttpClient _client;
    private readonly TimeSpan _stall;
    private readonly object _loadLock = new();
    private volatile UrlListIndex? _index;
    private DateTimeOffset _listTime;

    /// <param name="stall">How long the answer to a request, or a read of a body, may take with no byte arriving (stall_seconds).</param>
    public UrlListStore(string listPath, string stripPrefix, TimeSpan? stall = null) : this(listPath, stripPrefix, UrlHttpClient.Shared, stall) { }

    internal UrlListStore(string listPath, string stripPrefix, HttpClient client, TimeSpan? stall = null)
    {
        _stall = stall ?? UrlHttpClient.DefaultStall;
        _listPath = Path.GetFullPath(listPath);
        _stripPrefix = stripPrefix;
        _client = client;
    }

    public string Description => UrlListStoreKind.Instance.Format(new StoreLocation(UrlListStoreKind.Scheme, _listPath, _stripPrefix));
    public StoreCapabilities Capabilities => UrlListStoreKind.Declared;

    public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        var index = Index();
        var entries = index.After(startAfter, maxKeys);
        var page = new List<ObjectInfo>(entries.Length);
        foreach (var e in entries) page.Add(new ObjectInfo(e.Key, 0, _listTime));
        var next = page.Count > 0 && index.HasAfter(page[^1].Key) ? page[^1].Key : null;
        return Task.FromResult(new ObjectPage(page, next));
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        if (Index().Find(key) is not { } entry) return null;
        using var response = await SendAsync(HttpMethod.Head, entry, cancellationToken).ConfigureAwait(false);
        if (HttpFailures.KindOf(response.StatusCode) == StoreErrorKind.NotFound) return null;
        if (!IsSuccess(response)) throw HttpFailures.FromStatus("HEAD", PrintableUrl(entry), entry.Line, response);
        return Info(key, response, response.Content.Headers.ContentLength ?? 0);
    }

    public async Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Index().Find(key)
            ?? throw new StoreException(StoreErrorKind.NotFound, $"Key '{Printable.Key(key)}' is not in the URL list {Description}.");
        var url = PrintableUrl(entry);
        var response = await SendAsync(HttpMethod.Get, entry, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsSuccess(response)) throw HttpFailures.FromStatus("GET", url, entry.Line, response);
            // The copier verifies the byte count against the announced size; without one a
            // truncated body could not be told from a whole one, so such a URL fails instead.
            var length = response.Content.Headers.ContentLength
                ?? throw new StoreException(StoreErrorKind.Other,
                    $"GET {url} answered without a Content-Length (chunked), so its size cannot be verified (URL list line {entry.Line}).");
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var stream = new HttpBodyStream(body, response, url, entry.Line, _stall);
            return new ObjectReader(stream, Info(key, response, length), Metadata(response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken cancellationToken) =>
        throw ReadOnly();

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw ReadOnly();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private StoreException ReadOnly() => new(StoreErrorKind.Other, $"{Description} is a read-only source.");

    private static bool IsSuccess(HttpResponseMessage response) => response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NonAuthoritativeInformation;

    private static string PrintableUrl(UrlListEntry entry) => UrlText.Printable(new Uri(entry.Url));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, UrlListEntry entry, CancellationToken cancellationToken)
    {
        var (uri, credentials) = UrlText.SplitUserInfo(new Uri(entry.Url));
        var first = uri;
        for (var hop = 0; ; hop++)
        {
            var response = await SendOnceAsync(method, uri, RedirectPolicy.SameAuthority(first, uri) ? credentials : null, entry.Line, cancellationToken)
                .ConfigureAwait(false);
            if (hop >= RedirectPolicy.MaxRedirects || RedirectPolicy.Next(uri, response) is not { } next) return response;
            response.Dispose();
            uri = next;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, string? credentials, int line, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (credentials is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_stall);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw HttpFailures.Timeout(method.Method, UrlText.Printable(uri), line, _stall);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw HttpFailures.FromException(method.Method, UrlText.Printable(uri), line, e);
        }
    }

    private ObjectInfo Info(string key, HttpResponseMessage response, long length)
    {
        var modified = response.Content.Headers.LastModified ?? response.Headers.Date ?? DateTimeOffset.UtcNow;
        return new ObjectInfo(key, length, modified, response.Headers.ETag?.Tag);
    }

    private static ObjectMetadata Metadata(HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        return new ObjectMetadata
        {
            ContentType = content.ContentType?.ToString(),
            CacheControl = response.Headers.CacheControl?.ToString(),
            ContentDisposition = content.ContentDisposition?.ToString(),
            ContentEncoding = content.ContentEncoding.Count > 0 ? string.Join(", ", content.ContentEncoding) : null,
            Expires = content.Expires?.ToString("R"),
        };
    }

    /// <summary>Reads the list once; a failure is not cached, so a list put in place later is found.</summary>
    private UrlListIndex Index()
    {
        if (_index is { } ready) return ready;
        lock (_loadLock)
        {
            if (_index is not null) return _index;
            UrlListIndex index;
            try
            {
                index = UrlListParser.Load(_listPath, _stripPrefix);
                _listTime = File.GetLastWriteTimeUtc(_listPath);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new StoreException(StoreErrorKind.NotFound, $"The URL list '{_listPath}' does not exist on this agent.", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new StoreException(StoreErrorKind.AccessDenied, $"The URL list '{_listPath}' cannot be read: access denied.", e);
            }
            catch (IOException e)
            {
                throw new StoreException(StoreErrorKind.Transient, $"The URL list '{_listPath}' cannot be read: {e.Message}", e);
            }
            if (index.Problems.Count > 0)
                throw new StoreException(StoreErrorKind.Other, UrlListReport.Problems(_listPath, index.Problems));
            return _index = index;
        }
    }
}
