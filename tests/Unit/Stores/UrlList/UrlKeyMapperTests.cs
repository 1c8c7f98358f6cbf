using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Tests.Unit.Stores.UrlList;

public class UrlKeyMapperTests
{
    [Theory]
    [InlineData("http://h/a/b.jpg", "", "a/b.jpg")]
    [InlineData("https://h:8443/a/b.jpg?Expires=1&Signature=x", "", "a/b.jpg")]
    [InlineData("http://h/a/b.jpg#frag", "", "a/b.jpg")]
    [InlineData("http://h/with%20space/p%2Bq+r", "", "with space/p+q+r")]
    [InlineData("http://h/%E6%95%B0%E6%8D%AE/%C3%BC.txt", "", "数据/ü.txt")]
    [InlineData("http://h/数据/ü.txt", "", "数据/ü.txt")]
    [InlineData("http://h/a%2Fb", "", "a/b")]
    [InlineData("http://h/pct%2541", "", "pct%41")]
    [InlineData("http://h/x/../y/./z", "", "y/z")]
    [InlineData("http://h/dir/", "", "dir/")]
    [InlineData("http://h/images/2024/a.png", "images/", "2024/a.png")]
    [InlineData("http://user:pw@h/a", "", "a")]
    public void Maps_a_url_to_its_key(string url, string strip, string expected)
    {
        Assert.Null(UrlKeyMapper.TryMap(url, strip, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("ftp://h/a", "http or https")]
    [InlineData("file:///etc/passwd", "http or https")]
    [InlineData("/etc/passwd", "http or https")]
    [InlineData("not a url", "http or https")]
    [InlineData("h/a.jpg", "http or https")]
    [InlineData("http://h/", "no object key")]
    [InlineData("http://h", "no object key")]
    [InlineData("http://h/%FF%FE", "UTF-8")]
    [InlineData("http://h/a%00b", "NUL")]
    [InlineData("http://h/other/a.png", "does not start with the prefix")]
    [InlineData("http://h/images/", "no object key")]
    public void Refuses_what_gives_no_usable_key(string url, string reasonPart)
    {
        var reason = UrlKeyMapper.TryMap(url, url.Contains("images") || url.Contains("other") ? "images/" : "", out _);
        Assert.NotNull(reason);
        Assert.Contains(reasonPart, reason);
    }
}
