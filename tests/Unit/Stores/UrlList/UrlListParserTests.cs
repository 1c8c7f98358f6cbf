using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Tests.Unit.Stores.UrlList;

public class UrlListParserTests
{
    private static UrlListIndex Parse(string text, string strip = "") => UrlListParser.Parse(new StringReader(text), strip);

    [Fact]
    public void Skips_blank_and_comment_lines_and_trims()
    {
        var index = Parse("# header\n\n  http://h/b  \n\t\n   # indented comment\r\nhttp://h/a\r\n");
        Assert.Empty(index.Problems);
        var all = index.After(null, 10).ToArray();
        Assert.Equal(["a", "b"], all.Select(e => e.Key));
        Assert.Equal([6, 3], all.Select(e => e.Line));
        Assert.Equal("http://h/b", all[1].Url);
    }

    [Fact]
    public void Sorts_keys_in_utf8_byte_order()
    {
        string[] keys = ["😀", "\uE000x", "a/b", "a!", "a0", "B", "数据/x", "a"];
        var index = Parse(string.Join('\n', keys.Select(k => "http://h/" + Uri.EscapeDataString(k).Replace("%2F", "/"))));
        Assert.Equal(keys.Order(Utf8OrdinalComparer.Instance), index.After(null, 100).ToArray().Select(e => e.Key));
    }

    [Fact]
    public void Keeps_the_first_line_of_a_duplicated_key_and_reports_the_others()
    {
        var index = Parse("http://h/z\nhttp://mirror/k?v=1\nhttp://h/a\nhttp://h/k\nhttp://other/k#x\n");
        var entries = index.After(null, 10).ToArray();
        Assert.Equal(["a", "k", "z"], entries.Select(e => e.Key));
        Assert.Equal("http://mirror/k?v=1", entries[1].Url);
        Assert.Equal([new UrlListDuplicate(4, 2, "k"), new UrlListDuplicate(5, 2, "k")], index.Duplicates);
    }

    [Fact]
    public void Dedupes_the_same_way_whatever_the_input_size()
    {
        // Many equal keys: an unstable sort without the line tie-break would keep an arbitrary one.
        var lines = Enumerable.Range(1, 5000).Select(i => $"http://h{i}/k{i % 7}").ToList();
        var index = Parse(string.Join('\n', lines));
        var entries = index.After(null, 100).ToArray();
        Assert.Equal(7, entries.Length);
        foreach (var e in entries) Assert.Equal(lines.FindIndex(l => l.EndsWith("/" + e.Key, StringComparison.Ordinal)) + 1, e.Line);
        Assert.Equal(5000 - 7, index.Duplicates.Count);
    }

    [Fact]
    public void Reports_every_malformed_line_by_number()
    {
        var index = Parse("http://h/ok\nftp://h/x\n\nnot a url\n# fine\nhttp://h/\nhttp://h/ok2\n");
        Assert.Equal([2, 4, 6], index.Problems.Select(p => p.Line));
        var message = UrlListReport.Problems("/l.txt", index.Problems);
        Assert.Contains("3 malformed lines", message);
        Assert.Contains("line 2:", message);
        Assert.Contains("line 6:", message);
    }

    [Fact]
    public void Names_the_first_twenty_bad_lines_and_counts_the_rest()
    {
        var index = Parse(string.Join('\n', Enumerable.Range(1, 45).Select(i => "bad" + i)));
        var message = UrlListReport.Problems("/l.txt", index.Problems);
        Assert.Contains("line 20:", message);
        Assert.DoesNotContain("line 21:", message);
        Assert.Contains("and 25 more", message);
    }

    [Fact]
    public void Pages_with_start_after_including_keys_not_in_the_list()
    {
        var index = Parse("http://h/a/1\nhttp://h/a/2\nhttp://h/b/1\nhttp://h/c\n");
        Assert.Equal(["a/1", "a/2"], index.After(null, 2).ToArray().Select(e => e.Key));
        Assert.Equal(["b/1", "c"], index.After("a/2", 5).ToArray().Select(e => e.Key));
        Assert.Equal(["b/1", "c"], index.After("b", 5).ToArray().Select(e => e.Key));
        Assert.Empty(index.After("c", 5).ToArray());
        Assert.Empty(index.After("zzz", 5).ToArray());
        Assert.True(index.HasAfter("b/1"));
        Assert.False(index.HasAfter("c"));
        Assert.Equal(3, index.Find("b/1")!.Value.Line);
        Assert.Null(index.Find("b"));
    }
}
