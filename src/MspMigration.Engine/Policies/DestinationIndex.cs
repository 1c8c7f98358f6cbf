using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Policies;

/// <summary>
/// What the destination holds in one segment's key range, from a listing of that range: one
/// request per thousand keys instead of one HEAD per object. Gives up (null) when the
/// destination is so much denser than the segment that HEADs would be cheaper.
/// </summary>
public static class DestinationIndex
{
    public static async Task<Dictionary<string, ObjectInfo>?> TryLoadAsync(IObjectStore destination, string? startAfter,
        string lastKey, int objectsInSegment, CancellationToken cancellationToken)
    {
        const int pageSize = 1000;
        var maxPages = 2 + objectsInSegment / pageSize;
        var index = new Dictionary<string, ObjectInfo>(StringComparer.Ordinal);
        var cursor = startAfter;
        for (var page = 0; page < maxPages; page++)
        {
            ObjectPage result;
            try
            {
                result = await destination.ListAsync(cursor, pageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
            {
                return index; // no destination bucket or directory yet: nothing exists
            }
            foreach (var o in result.Objects)
            {
                if (Utf8OrdinalComparer.Instance.Compare(o.Key, lastKey) > 0) return index;
                index[o.Key] = o;
            }
            if (result.NextStartAfter is null) return index;
            cursor = result.NextStartAfter;
        }
        return null;
    }
}
