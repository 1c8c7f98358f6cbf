using System.Runtime.CompilerServices;

namespace MspMigration.Engine.Stores;

/// <summary>
/// Where a listing runs: after <see cref="StartAfter"/>, up to and including <see cref="LastKey"/>,
/// and only while keys can still start with <see cref="Prefix"/>. Null bounds are open.
/// </summary>
public sealed record ListingRange(string? StartAfter = null, string? LastKey = null, string? Prefix = null);

/// <summary>
/// One page of a bounded listing: the objects inside the range, the last key the listing reached
/// (the first key past the range when the range ended it; the start when the page was empty) and
/// whether nothing follows.
/// </summary>
public sealed record ListedPage(IReadOnlyList<ObjectInfo> Objects, string? LastKey, bool IsLast);

/// <summary>
/// The one listing loop: pages of a store's flat listing within a <see cref="ListingRange"/>.
/// Listings are in UTF-8 key order, so the end key and the prefix both end it at the first key
/// past them, and a prefix lets it start just before the prefix instead of at the beginning.
/// </summary>
public static class StoreListing
{
    /// <param name="missingIsEmpty">A store that does not exist yet (a destination before its first copy) lists nothing instead of failing.</param>
    public static async IAsyncEnumerable<ListedPage> PagesAsync(this IObjectStore store, ListingRange range, int pageSize, bool missingIsEmpty,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = Start(range);
        while (true)
        {
            ObjectPage page;
            try
            {
                page = await store.ListAsync(cursor, pageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (missingIsEmpty && e.Kind == StoreErrorKind.NotFound)
            {
                page = new ObjectPage([], null);
            }
            var (inside, lastKey, ended) = Cut(page.Objects, range, cursor);
            var isLast = ended || page.NextStartAfter is null;
            yield return new ListedPage(inside, lastKey, isLast);
            if (isLast) yield break;
            cursor = page.NextStartAfter;
        }
    }

    /// <summary>Every object within the range, page after page.</summary>
    public static async IAsyncEnumerable<ObjectInfo> ObjectsAsync(this IObjectStore store, ListingRange range, int pageSize, bool missingIsEmpty,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in store.PagesAsync(range, pageSize, missingIsEmpty, cancellationToken).ConfigureAwait(false))
            foreach (var o in page.Objects)
                yield return o;
    }

    // Keys sort after any proper prefix of themselves, so a listing can start just before the prefix.
    private static string? Start(ListingRange range)
    {
        if (string.IsNullOrEmpty(range.Prefix)) return range.StartAfter;
        var beforePrefix = range.Prefix[..^1];
        return range.StartAfter is { } after && Utf8OrdinalComparer.Instance.Compare(after, beforePrefix) > 0 ? after : beforePrefix;
    }

    private static (IReadOnlyList<ObjectInfo> Inside, string? LastKey, bool Ended) Cut(IReadOnlyList<ObjectInfo> objects, ListingRange range, string? cursor)
    {
        for (var i = 0; i < objects.Count; i++)
        {
            if (!PastRange(objects[i].Key, range)) continue;
            return ([.. objects.Take(i)], objects[i].Key, true);
        }
        return (objects, objects.Count > 0 ? objects[^1].Key : cursor, false);
    }

    private static bool PastRange(string key, ListingRange range) =>
        (range.LastKey is { } last && Utf8OrdinalComparer.Instance.Compare(key, last) > 0)
        || (range.Prefix is { Length: > 0 } prefix && Utf8OrdinalComparer.Instance.Compare(key, prefix) > 0 && !key.StartsWith(prefix, StringComparison.Ordinal));
}
