using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Verification;

/// <summary>One key as the source listing, the destination listing and the journal know it.</summary>
public sealed record KeyedTriple(string Key, ObjectInfo? Source, ObjectInfo? Destination, JournalEntry? Journal);

/// <summary>
/// Walks three key-ordered sequences side by side (UTF-8 order, as listings and the journal
/// are) and yields each key once with what each sequence holds for it.
/// </summary>
public static class KeyMerge
{
    public static async IAsyncEnumerable<KeyedTriple> MergeAsync(IAsyncEnumerable<ObjectInfo> source, IAsyncEnumerable<ObjectInfo> destination,
        IAsyncEnumerable<JournalEntry> journal, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cmp = Utf8OrdinalComparer.Instance;
        await using var s = source.GetAsyncEnumerator(cancellationToken);
        await using var d = destination.GetAsyncEnumerator(cancellationToken);
        await using var j = journal.GetAsyncEnumerator(cancellationToken);
        var hasS = await s.MoveNextAsync().ConfigureAwait(false);
        var hasD = await d.MoveNextAsync().ConfigureAwait(false);
        var hasJ = await j.MoveNextAsync().ConfigureAwait(false);
        while (hasS || hasD)
        {
            var key = !hasS ? d.Current.Key : !hasD ? s.Current.Key
                : cmp.Compare(s.Current.Key, d.Current.Key) <= 0 ? s.Current.Key : d.Current.Key;
            // Journal rows of keys neither side lists any more have nothing to compare.
            while (hasJ && cmp.Compare(j.Current.Key, key) < 0) hasJ = await j.MoveNextAsync().ConfigureAwait(false);
            var src = hasS && s.Current.Key == key ? s.Current : null;
            var dst = hasD && d.Current.Key == key ? d.Current : null;
            var jrn = hasJ && j.Current.Key == key ? j.Current : null;
            yield return new KeyedTriple(key, src, dst, jrn);
            if (src is not null) hasS = await s.MoveNextAsync().ConfigureAwait(false);
            if (dst is not null) hasD = await d.MoveNextAsync().ConfigureAwait(false);
        }
    }
}
