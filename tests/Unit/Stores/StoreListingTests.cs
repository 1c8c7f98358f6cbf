using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Stores;

public sealed class StoreListingTests
{
    private static readonly string[] Keys = ["a/1", "a/2", "b/1", "b/2", "b/3", "ba", "c/1", "c/2"];

    [Fact]
    public async Task Pages_run_from_the_start_key_to_the_end_key_and_stop_asking_past_it()
    {
        var store = new ListOnlyStore(Keys);
        var pages = await Collect(store.PagesAsync(new ListingRange(StartAfter: "a/1", LastKey: "b/2"), 2, false, CancellationToken.None));
        Assert.Equal(["a/2", "b/1", "b/2"], pages.SelectMany(p => p.Objects).Select(o => o.Key));
        Assert.True(pages[^1].IsLast);
        Assert.Equal("b/3", pages[^1].LastKey); // the key that ended the range
        Assert.Equal(["a/1", "b/1"], store.StartAfters); // two requests, none after the end key was seen
    }

    [Fact]
    public async Task A_prefix_starts_the_listing_just_before_it_and_ends_it_at_the_first_key_past_it()
    {
        var store = new ListOnlyStore(Keys);
        var objects = await Collect(store.ObjectsAsync(new ListingRange(Prefix: "b/"), 2, false, CancellationToken.None));
        Assert.Equal(["b/1", "b/2", "b/3"], objects.Select(o => o.Key));
        Assert.Equal("b", store.StartAfters[0]);
        Assert.Equal(2, store.StartAfters.Count); // "ba" ended it: "c/..." was never asked for
    }

    [Fact]
    public async Task A_resumed_listing_starts_at_its_cursor_when_that_lies_inside_the_prefix()
    {
        var store = new ListOnlyStore(Keys);
        var objects = await Collect(store.ObjectsAsync(new ListingRange(StartAfter: "b/1", Prefix: "b/"), 10, false, CancellationToken.None));
        Assert.Equal(["b/2", "b/3"], objects.Select(o => o.Key));
    }

    [Fact]
    public async Task An_empty_page_reports_the_start_as_its_last_key()
    {
        var pages = await Collect(new ListOnlyStore(Keys).PagesAsync(new ListingRange(StartAfter: "z"), 2, false, CancellationToken.None));
        var page = Assert.Single(pages);
        Assert.Equal(("z", true, 0), (page.LastKey, page.IsLast, page.Objects.Count));
    }

    [Fact]
    public async Task A_missing_store_lists_nothing_when_asked_to_and_fails_otherwise()
    {
        var missing = new ListOnlyStore(Keys) { Missing = true };
        var pages = await Collect(missing.PagesAsync(new ListingRange(), 2, true, CancellationToken.None));
        Assert.True(Assert.Single(pages).IsLast);
        var e = await Assert.ThrowsAsync<StoreException>(() => Collect(missing.PagesAsync(new ListingRange(), 2, false, CancellationToken.None)));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    /// <summary>Lists a fixed set of keys and records where each request started.</summary>
    private sealed class ListOnlyStore(string[] keys) : IObjectStore
    {
        public bool Missing { get; init; }
        public List<string?> StartAfters { get; } = [];
        public string Description => "list-only://";
        public StoreCapabilities Capabilities { get; } = new(false, true, false, HashKind.None, false);

        public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken)
        {
            StartAfters.Add(startAfter);
            if (Missing) throw new StoreException(StoreErrorKind.NotFound, "no such bucket");
            var rest = keys.Where(k => startAfter is null || Utf8OrdinalComparer.Instance.Compare(k, startAfter) > 0).ToList();
            var page = rest.Take(maxKeys).Select(k => new ObjectInfo(k, 1, DateTimeOffset.UnixEpoch)).ToList();
            return Task.FromResult(new ObjectPage(page, rest.Count > maxKeys ? page[^1].Key : null));
        }

        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
