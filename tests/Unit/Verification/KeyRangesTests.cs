using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Verification;

namespace MspMigration.Tests.Unit.Verification;

public sealed class KeyRangesTests
{
    [Fact]
    public void Segment_boundaries_cut_the_whole_key_space_open_at_both_ends()
    {
        Assert.Equal([new KeyRange(null, null)], KeyRanges.From([]));
        Assert.Equal([new KeyRange(null, "c"), new KeyRange("c", "f"), new KeyRange("f", null)], KeyRanges.From(["c", "f"]));
    }

    [Fact]
    public void Many_segments_are_joined_into_at_most_the_given_number_of_ranges()
    {
        var boundaries = Enumerable.Range(0, 10).Select(i => $"k{i}").ToList();
        var ranges = KeyRanges.From(boundaries, maxRanges: 4);
        Assert.Equal([new KeyRange(null, "k2"), new KeyRange("k2", "k5"), new KeyRange("k5", "k8"), new KeyRange("k8", null)], ranges);
    }

    [Fact]
    public async Task The_merge_yields_each_key_once_in_utf8_order_with_what_each_side_holds()
    {
        static async IAsyncEnumerable<T> Seq<T>(params T[] items) { foreach (var i in items) { await Task.Yield(); yield return i; } }
        static ObjectInfo O(string k) => new(k, 1, DateTimeOffset.UnixEpoch);
        static JournalEntry J(string k) => new(k, 1, DateTimeOffset.UnixEpoch, null, ObjectOutcome.Succeeded, 1, null);
        var merged = new List<KeyedTriple>();
        await foreach (var t in KeyMerge.MergeAsync(Seq(O("a"), O("c"), O("e\uFF21")), Seq(O("b"), O("c"), O("e😀")),
                           Seq(J("0"), J("a"), J("c"), J("d"), J("e😀")), CancellationToken.None))
            merged.Add(t);
        Assert.Equal(["a", "b", "c", "e\uFF21", "e😀"], merged.Select(t => t.Key));
        Assert.Equal([(true, false, true), (false, true, false), (true, true, true), (true, false, false), (false, true, true)],
            merged.Select(t => (t.Source is not null, t.Destination is not null, t.Journal is not null)));
    }
}
