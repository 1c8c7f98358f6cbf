namespace MspMigration.Engine.Verification;

/// <summary>A key range: after <see cref="After"/> and up to <see cref="Last"/> (null bounds are open).</summary>
public sealed record KeyRange(string? After, string? Last);

/// <summary>
/// Cuts the key space into ranges that can be listed and compared independently: the task's
/// segments already cut it where its objects were about a thousand apart, so their last keys are
/// the boundaries; the first range is open below and the last open above, so keys the listing
/// never saw (new at the source, extra at the destination) still fall in one range.
/// </summary>
public static class KeyRanges
{
    /// <param name="boundaries">Last keys of the segments, distinct and in UTF-8 key order.</param>
    /// <param name="maxRanges">Neighbouring segments are joined so that no more ranges than this are made.</param>
    public static IReadOnlyList<KeyRange> From(IReadOnlyList<string> boundaries, int maxRanges = 1024)
    {
        var step = Math.Max(1, (boundaries.Count + maxRanges - 1) / Math.Max(1, maxRanges));
        var ranges = new List<KeyRange>();
        string? after = null;
        for (var i = step - 1; i < boundaries.Count; i += step)
        {
            ranges.Add(new KeyRange(after, boundaries[i]));
            after = boundaries[i];
        }
        ranges.Add(new KeyRange(after, null));
        return ranges;
    }
}
