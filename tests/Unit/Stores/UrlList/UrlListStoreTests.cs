using System.Net;
using System.Text;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.UrlList;
using MspMigration.Engine.Transfer;
using MspMigration.Tests.Unit.Transfer;

namespace MspMigration.Tests.Unit.Stores.UrlList;

public sealed class UrlListStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msp-urllist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string List(params string[] lines)
    {
        var path = Path.Combine(_dir, "list.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    private UrlListStore Store(string path, FakeHttpHandler handler, string strip = "") =>
        new(path, strip, new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });

    [Fact]
    public async Task Lists_in_key_order_across_pages_without_sizes()
    {
        var path = List("http://h/c", "http://h/a/2", "# comment", "http://h/b", "http://h/a/1", "http://h/a/1?again");
        await using var store = Store(path, new FakeHttpHandler(_ => throw new InvalidOperationException("listing must not fetch")));
        var keys = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(after, 2, CancellationToken.None);
            Assert.All(page.Objects, o => Assert.Equal(0, o.Size));
            keys.AddRange(page.Objects.Select(o => o.Key));
            after = page.NextStartAfter;
            pages++;
        } while (after is not null);
        Assert.Equal(["a/1", "a/2", "b", "c"], keys);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task Reads_with_the_size_and_headers_of_the_get()
    {
        var body = Encoding.UTF8.GetBytes("hello");
        var handler = new FakeHttpHandler(_ =>
        {
            var r = FakeHttpHandler.Ok(body);
            r.Content.Headers.ContentType = new("image/png");
            r.Content.Headers.LastModified = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
            r.Headers.ETag = new("\"abc\"");
            r.Headers.CacheControl = new() { MaxAge = TimeSpan.FromSeconds(60) };
            return r;
        });
        await using var store = Store(List("https://user:p%40ss@h/img/a.png?sig=s3cret"), handler, "img/");
        await using var reader = await store.OpenReadAsync("a.png", CancellationToken.None);
        Assert.Equal(5, reader.Info.Size);
        Assert.Equal("\"abc\"", reader.Info.ETag);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), reader.Info.LastModified);
        Assert.Equal("image/png", reader.Metadata.ContentType);
        Assert.Equal("max-age=60", reader.Metadata.CacheControl);
        var copy = new MemoryStream();
        await reader.Content.CopyToAsync(copy);
        Assert.Equal(body, copy.ToArray());

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://h/img/a.png?sig=s3cret", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
        Assert.Equal("user:p@ss", Encoding.UTF8.GetString(Convert.FromBase64String(request.Headers.Authorization.Parameter!)));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, StoreErrorKind.NotFound)]
    [InlineData(HttpStatusCode.Gone, StoreErrorKind.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized, StoreErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.Forbidden, StoreErrorKind.AccessDenied)]
    [InlineData(HttpStatusCode.TooManyRequests, StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.RequestTimeout, StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.InternalServerError, StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.BadGateway, StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StoreErrorKind.Transient)]
    [InlineData(HttpStatusCode.BadRequest, StoreErrorKind.Other)]
    [InlineData(HttpStatusCode.Found, StoreErrorKind.Other)]
    [InlineData(HttpStatusCode.PartialContent, StoreErrorKind.Other)]
    public async Task Maps_http_status_to_a_store_error_that_names_the_url_without_secrets(HttpStatusCode status, StoreErrorKind kind)
    {
        await using var store = Store(List("# c", "http://bob:hunter22@h:8080/dir/f%20x.bin?Signature=s3cret"), new FakeHttpHandler(_ => FakeHttpHandler.Status(status)));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("dir/f x.bin", CancellationToken.None));
        Assert.Equal(kind, e.Kind);
        Assert.Contains("http://h:8080/dir/f%20x.bin", e.Message);
        Assert.Contains(((int)status).ToString(), e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.DoesNotContain("hunter22", e.Message);
        Assert.DoesNotContain("bob", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
    }

    public static TheoryData<Exception, StoreErrorKind> Failures => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (h:80)"), StoreErrorKind.Transient },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known"), StoreErrorKind.Transient },
        { new IOException("Connection reset by peer"), StoreErrorKind.Transient },
        { new OperationCanceledException("timed out"), StoreErrorKind.Transient },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "The remote certificate is invalid"), StoreErrorKind.Other },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Maps_connection_failures_and_timeouts(Exception failure, StoreErrorKind kind)
    {
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => throw failure));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("k", CancellationToken.None));
        Assert.Equal(kind, e.Kind);
        Assert.Contains("http://h/k", e.Message);
    }

    [Fact]
    public async Task Names_the_cause_hidden_in_inner_exceptions()
    {
        var failure = new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer"));
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => throw failure));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("k", CancellationToken.None));
        Assert.Contains("Connection reset by peer", e.Message);
    }

    [Fact]
    public async Task Cancellation_is_not_a_timeout()
    {
        using var cts = new CancellationTokenSource();
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => { cts.Cancel(); throw new OperationCanceledException(cts.Token); }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.OpenReadAsync("k", cts.Token));
    }

    [Fact]
    public async Task Refuses_a_response_without_content_length()
    {
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => FakeHttpHandler.Chunked([1, 2, 3])));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("k", CancellationToken.None));
        Assert.Equal(StoreErrorKind.Other, e.Kind);
        Assert.Contains("Content-Length", e.Message);
    }

    [Fact]
    public async Task A_body_that_breaks_off_is_a_transient_error_naming_the_url()
    {
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => FakeHttpHandler.Truncated([1, 2, 3], 10, breakOff: true)));
        await using var reader = await store.OpenReadAsync("k", CancellationToken.None);
        var e = await Assert.ThrowsAsync<StoreException>(() => reader.Content.CopyToAsync(Stream.Null));
        Assert.Equal(StoreErrorKind.Transient, e.Kind);
        Assert.Contains("http://h/k", e.Message);
        Assert.Contains("after 3 bytes", e.Message);
    }

    [Fact]
    public async Task Head_answers_null_for_a_missing_url_or_key()
    {
        var handler = new FakeHttpHandler(r => r.RequestUri!.AbsolutePath == "/gone" ? FakeHttpHandler.Status(HttpStatusCode.NotFound) : FakeHttpHandler.Ok([1, 2]));
        await using var store = Store(List("http://h/gone", "http://h/here"), handler);
        Assert.Null(await store.HeadAsync("gone", CancellationToken.None));
        Assert.Null(await store.HeadAsync("not-in-list", CancellationToken.None));
        Assert.Equal(2, (await store.HeadAsync("here", CancellationToken.None))!.Size);
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Head, r.Method));
    }

    [Fact]
    public async Task A_key_not_in_the_list_is_not_found_and_writes_are_refused()
    {
        await using var store = Store(List("http://h/k"), new FakeHttpHandler(_ => FakeHttpHandler.Ok([])));
        Assert.Equal(StoreErrorKind.NotFound, (await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("other", CancellationToken.None))).Kind);
        await Assert.ThrowsAsync<StoreException>(() => store.PutAsync("k", new MemoryStream(), 0, null, null, null, CancellationToken.None));
        await Assert.ThrowsAsync<StoreException>(() => store.DeleteAsync("k", CancellationToken.None));
    }

    [Fact]
    public async Task A_list_missing_or_malformed_on_the_agent_fails_clearly()
    {
        await using (var missing = Store(Path.Combine(_dir, "none.txt"), new FakeHttpHandler(_ => FakeHttpHandler.Ok([]))))
        {
            var e = await Assert.ThrowsAsync<StoreException>(() => missing.ListAsync(null, 10, CancellationToken.None));
            Assert.Equal(StoreErrorKind.NotFound, e.Kind);
        }
        await using var bad = Store(List("http://h/ok", "nope"), new FakeHttpHandler(_ => FakeHttpHandler.Ok([])));
        var error = await Assert.ThrowsAsync<StoreException>(() => bad.ListAsync(null, 10, CancellationToken.None));
        Assert.False(error.IsTransient);
        Assert.Contains("line 2", error.Message);
    }

    private static HttpResponseMessage Redirect(string location, HttpStatusCode status = HttpStatusCode.Found)
    {
        var r = FakeHttpHandler.Status(status);
        r.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return r;
    }

    [Fact]
    public async Task Follows_http_redirects_and_sends_credentials_to_the_same_host_only()
    {
        var handler = new FakeHttpHandler(r => r.RequestUri!.AbsoluteUri switch
        {
            "https://h/a" => Redirect("/b", HttpStatusCode.MovedPermanently),
            "https://h/b" => Redirect("https://cdn/c", HttpStatusCode.TemporaryRedirect),
            _ => FakeHttpHandler.Ok([7]),
        });
        await using var store = Store(List("https://u:secret1@h/a"), handler);
        await using var reader = await store.OpenReadAsync("a", CancellationToken.None);
        Assert.Equal(1, reader.Info.Size);
        Assert.Equal(["https://h/a", "https://h/b", "https://cdn/c"], handler.Requests.Select(r => r.RequestUri!.AbsoluteUri));
        Assert.NotNull(handler.Requests[1].Headers.Authorization);
        Assert.Null(handler.Requests[2].Headers.Authorization);
    }

    [Theory]
    [InlineData("https://h/a", "http://h/plain", 1)]
    [InlineData("http://h/a", "ftp://h/file", 1)]
    [InlineData("http://h/a", "file:///etc/passwd", 1)]
    // A loop is followed up to the limit: the first request and MaxRedirects hops.
    [InlineData("http://h/a", "http://h/a", 1 + 5)]
    public async Task Stops_at_a_redirect_it_must_not_follow(string url, string location, int requests)
    {
        var handler = new FakeHttpHandler(_ => Redirect(location));
        await using var store = Store(List(url), handler);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("a", CancellationToken.None));
        Assert.Equal(StoreErrorKind.Other, e.Kind);
        Assert.Contains("redirect that was not followed", e.Message);
        Assert.Equal(requests, handler.Requests.Count);
    }

    private static PendingObject Item(string key) => new(1, 1, key, 0, DateTimeOffset.UnixEpoch, null, null);

    [Fact]
    public async Task The_copier_retries_transient_statuses_and_journals_a_404_at_once()
    {
        var calls = new Dictionary<string, int>();
        var handler = new FakeHttpHandler(r =>
        {
            var path = r.RequestUri!.AbsolutePath;
            int n;
            lock (calls) calls[path] = n = calls.GetValueOrDefault(path) + 1;
            return path switch
            {
                "/flaky" when n < 3 => FakeHttpHandler.Status(HttpStatusCode.ServiceUnavailable),
                "/missing" => FakeHttpHandler.Status(HttpStatusCode.NotFound),
                "/short" => FakeHttpHandler.Truncated([1, 2], 5, breakOff: false),
                _ => FakeHttpHandler.Ok(Encoding.UTF8.GetBytes(path)),
            };
        });
        await using var store = Store(List("http://h/flaky", "http://h/missing", "http://h/short"), handler);
        var destination = new MemoryStore();
        var copier = new ObjectCopier(store, destination, 3, baseDelay: TimeSpan.FromMilliseconds(1));

        var flaky = await copier.CopyAsync(Item("flaky"), SameNamePolicy.Overwrite, DestinationState.Unknown, CancellationToken.None);
        Assert.Equal(ObjectOutcome.Succeeded, flaky.Outcome);
        Assert.Equal(3, flaky.Attempts);
        Assert.Equal("/flaky"u8.ToArray(), destination.Objects["flaky"]);

        var missing = await copier.CopyAsync(Item("missing"), SameNamePolicy.Overwrite, DestinationState.Unknown, CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, missing.Outcome);
        Assert.Equal(1, missing.Attempts);
        Assert.Contains("http://h/missing answered 404", missing.Error);

        // A server that closes cleanly but short of its Content-Length fails verification.
        var shortBody = await copier.CopyAsync(Item("short"), SameNamePolicy.Overwrite, DestinationState.Unknown, CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, shortBody.Outcome);
        Assert.Contains("announced 5", shortBody.Error);
    }
}
