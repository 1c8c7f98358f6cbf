using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Stores.UrlList;

public sealed class UrlListLocationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msp-urlloc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parses_path_and_strip_option_and_round_trips()
    {
        var location = StoreLocation.Parse("urllist:///data/list.txt?strip=/images%20x/", "Source");
        Assert.Equal(("urllist", "/data/list.txt", "images x/"), (location.Scheme, location.Bucket, location.Prefix));
        Assert.Equal("urllist:///data/list.txt?strip=images%20x%2F", location.ToString());
        Assert.Equal(location, StoreLocation.Parse(location.ToString(), "Source"));
        Assert.Equal("urllist:///data/list.txt", StoreLocation.Parse("URLLIST:///data/list.txt", "Source").ToString());
    }

    [Theory]
    [InlineData("urllist://", "InvalidStoreUri")]
    [InlineData("urllist://?strip=a", "InvalidStoreUri")]
    [InlineData("urllist:///l.txt?prefix=a", "InvalidStoreUri")]
    public void Rejects_bad_uris(string text, string errorId)
    {
        var e = Assert.Throws<MigrationException>(() => StoreLocation.Parse(text, "Source"));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void Validation_reports_missing_and_malformed_lists_and_warns_of_duplicates()
    {
        var missing = Path.Combine(_dir, "none.txt");
        var e = Assert.Throws<MigrationException>(() => StoreFactory.ValidateSource(StoreLocation.Parse("urllist://" + missing, "Source")));
        Assert.Equal(("SourceNotFound", MigrationErrorKind.ObjectNotFound), (e.ErrorId, e.Kind));

        var bad = Path.Combine(_dir, "bad.txt");
        File.WriteAllLines(bad, ["http://h/a", "# ok", "www.example.com/b", "http://h/c", "mailto:x@y"]);
        e = Assert.Throws<MigrationException>(() => StoreFactory.ValidateSource(StoreLocation.Parse("urllist://" + bad, "Source")));
        Assert.Equal(("UrlListInvalid", MigrationErrorKind.InvalidData), (e.ErrorId, e.Kind));
        Assert.Contains("line 3:", e.Message);
        Assert.Contains("line 5:", e.Message);
        Assert.DoesNotContain("line 4:", e.Message);
        Assert.Equal(bad, e.Target);

        var dup = Path.Combine(_dir, "dup.txt");
        File.WriteAllLines(dup, ["http://h/a", "http://mirror/a"]);
        var warning = Assert.Single(StoreFactory.ValidateSource(StoreLocation.Parse("urllist://" + dup, "Source")));
        Assert.Contains("line 2 (key of line 1)", warning);
    }

    [Fact]
    public void A_url_list_cannot_be_a_destination()
    {
        var e = Assert.Throws<MigrationException>(() => StoreFactory.ValidateDestination(StoreLocation.Parse("urllist:///l.txt", "Destination")));
        Assert.Equal("DestinationReadOnly", e.ErrorId);
    }
}
