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
        var pages = 0;
        // No destination bucket or directory yet: nothing exists.
        await foreach (var page in destination.PagesAsync(new ListingRange(startAfter, lastKey), pageSize, missingIsEmpty: true, cancellationToken)
                           .ConfigureAwait(false))
        {
            foreach (var o in page.Objects) index[o.Key] = o;
            if (page.IsLast) return index;
            if (++pages >= maxPages) return null;
        }
        return index;
    }
}
