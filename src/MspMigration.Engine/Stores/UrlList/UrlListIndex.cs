namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// A URL list held in memory, sorted by destination key in UTF-8 byte order with duplicate keys
/// removed, so that it lists like a bucket (start-after paging) and finds a key's URL by binary
/// search. Memory: two strings per URL (key and URL, 2 bytes a character) plus about 60 bytes.
/// </summary>
internal sealed class UrlListIndex
{
    private readonly UrlListEntry[] _entries;

    public UrlListIndex(UrlListEntry[] sortedUnique, IReadOnlyList<UrlListDuplicate> duplicates, IReadOnlyList<UrlListProblem> problems)
    {
        _entries = sortedUnique;
        Duplicates = duplicates;
        Problems = problems;
    }

    public int Count => _entries.Length;
    public IReadOnlyList<UrlListDuplicate> Duplicates { get; }
    public IReadOnlyList<UrlListProblem> Problems { get; }

    /// <summary>Up to <paramref name="maxKeys"/> entries whose keys sort after <paramref name="startAfter"/>.</summary>
    public ReadOnlySpan<UrlListEntry> After(string? startAfter, int maxKeys)
    {
        var start = startAfter is null ? 0 : LowerBound(startAfter, inclusive: false);
        return _entries.AsSpan(start, Math.Min(Math.Max(maxKeys, 0), _entries.Length - start));
    }

    public bool HasAfter(string key) => LowerBound(key, inclusive: false) < _entries.Length;

    public UrlListEntry? Find(string key)
    {
        var i = LowerBound(key, inclusive: true);
        return i < _entries.Length && _entries[i].Key == key ? _entries[i] : null;
    }

    // The first index whose key is >= key (inclusive) or > key (exclusive).
    private int LowerBound(string key, bool inclusive)
    {
        int lo = 0, hi = _entries.Length;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var c = Utf8OrdinalComparer.Instance.Compare(_entries[mid].Key, key);
            if (c < 0 || (!inclusive && c == 0)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
