using System.Text;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Stores;

public class Utf8OrdinalComparerTests
{
    [Fact]
    public void Orders_like_the_utf8_bytes()
    {
        string[] keys = ["a", "a/b", "a!", "A", "é", "\uE000", "😀", "z", "", "ab", "a b", "\uFFFD", "数据"];
        var byBytes = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), new ByteComparer()).ToArray();
        var byComparer = keys.OrderBy(k => k, Utf8OrdinalComparer.Instance).ToArray();
        Assert.Equal(byBytes, byComparer);
    }

    [Fact]
    public void Surrogates_sort_after_private_use_characters()
    {
        // UTF-16 order puts U+1F600 (surrogates D83D..) before U+E000; UTF-8 order puts it after.
        Assert.True(string.CompareOrdinal("😀", "\uE000") < 0);
        Assert.True(Utf8OrdinalComparer.Instance.Compare("😀", "\uE000") > 0);
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
