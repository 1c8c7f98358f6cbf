using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.Local;
using MspMigration.Engine.Stores.S3;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Tests.Unit.Stores;

public sealed class StoreKindsTests
{
    [Theory]
    [InlineData("local:///data/src", "local")]
    [InlineData("FILE:///data/src", "local")]
    [InlineData("/data/src", "local")]
    [InlineData("relative/dir", "local")]
    [InlineData("oss://photos-src/2024/", "oss")]
    [InlineData("cos://photos-1250000000/", "cos")]
    [InlineData("S3://my.bucket/x", "s3")]
    [InlineData("urllist:///data/list.txt?strip=a/", "urllist")]
    public void Each_scheme_parses_to_its_kind(string text, string scheme)
    {
        var location = StoreLocation.Parse(text, "Source");
        Assert.Equal(scheme, location.Scheme);
        IStoreKind expected = scheme switch
        {
            "local" => LocalStoreKind.Instance,
            "urllist" => UrlListStoreKind.Instance,
            _ => S3StoreKind.Instance,
        };
        Assert.Same(expected, location.Kind);
        Assert.Same(expected, StoreKinds.Find(scheme.ToUpperInvariant()));
        // The canonical text parses back to the same place.
        Assert.Equal(location, StoreLocation.Parse(location.ToString(), "Source"));
    }

    [Fact]
    public void Every_scheme_belongs_to_exactly_one_kind_and_one_kind_takes_plain_paths()
    {
        var schemes = StoreKinds.Schemes.ToList();
        Assert.Equal(schemes.Count, schemes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(["local", "file", "oss", "cos", "s3", "urllist"], schemes);
        Assert.Single(StoreKinds.All, k => k.TakesPlainPaths);
        Assert.Equal(S3Vendor.All.Select(v => v.Scheme), S3StoreKind.Instance.Schemes);
    }

    [Fact]
    public void An_unknown_scheme_is_refused_naming_it_and_every_registered_scheme()
    {
        var e = Assert.Throws<MigrationException>(() => StoreLocation.Parse("gcs://bucket/x", "Destination"));
        Assert.Equal(("UnknownStoreScheme", MigrationErrorKind.InvalidArgument, "gcs://bucket/x"), (e.ErrorId, e.Kind, e.Target));
        Assert.Contains("Destination 'gcs://bucket/x'", e.Message);
        Assert.Contains("'gcs'", e.Message);
        foreach (var scheme in StoreKinds.Schemes) Assert.Contains(scheme, e.Message);
    }

    [Theory]
    [InlineData("local:///d", true, true, true, HashKind.None, true)]
    [InlineData("oss://bucket-a/", true, true, false, HashKind.Crc64, true)]
    [InlineData("cos://bucket-1250000000/", true, true, false, HashKind.Crc64, true)]
    [InlineData("s3://bucket-a/", true, true, false, HashKind.Md5ETag, true)]
    [InlineData("urllist:///l.txt", false, false, false, HashKind.None, false)]
    public void Capabilities_are_as_each_kind_declares(string text, bool writable, bool listsSizes, bool keepsTimes, HashKind hash, bool ranged)
    {
        var caps = StoreLocation.Parse(text, "Source").Capabilities;
        Assert.Equal(new StoreCapabilities(writable, listsSizes, keepsTimes, hash, ranged), caps);
    }

    [Fact]
    public async Task An_open_store_declares_the_same_capabilities_as_its_address()
    {
        var dir = Directory.CreateTempSubdirectory("msp-kinds-").FullName;
        try
        {
            var list = Path.Combine(dir, "l.txt");
            File.WriteAllText(list, "http://h/a\n");
            foreach (var text in new[] { "local://" + dir, "urllist://" + list, "s3://bucket-a/p/" })
            {
                var location = StoreLocation.Parse(text, "Source");
                var profile = text.StartsWith("s3", StringComparison.Ordinal)
                    ? new MspMigration.Engine.Configuration.CredentialProfile("p", new Dictionary<string, string> { ["endpoint"] = "http://127.0.0.1:1" })
                    : null;
                await using var store = StoreFactory.Open(location, profile);
                Assert.Equal(location.Capabilities, store.Capabilities);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_destination_that_cannot_be_written_is_refused_from_its_capabilities()
    {
        var e = Assert.Throws<MigrationException>(() => StoreFactory.ValidateDestination(StoreLocation.Parse("urllist:///l.txt", "Destination")));
        Assert.Equal(("DestinationReadOnly", "urllist:///l.txt"), (e.ErrorId, e.Target));
    }

    [Theory]
    [InlineData("rel/dir", "/cwd/rel/dir")]
    [InlineData("local://rel/dir", "local:///cwd/rel/dir")]
    [InlineData("file://rel", "local:///cwd/rel")]
    [InlineData("urllist://l.txt?strip=a/", "urllist:///cwd/l.txt?strip=a/")]
    [InlineData("urllist://", "urllist://")]
    [InlineData("LOCAL://", "LOCAL://")]
    [InlineData("oss://bucket-a/rel", "oss://bucket-a/rel")]
    [InlineData("gcs://rel", "gcs://rel")]
    public void Relative_paths_are_made_absolute_by_the_kind_that_holds_them(string text, string expected)
    {
        Assert.Equal(expected, StoreKinds.WithAbsolutePaths(text, p => "/cwd/" + p));
    }

    [Fact]
    public void Each_kind_says_where_its_objects_live()
    {
        Assert.Equal(new StorePlace(Folder: "/d"), Place("local:///d"));
        Assert.Equal(new StorePlace(File: "/l.txt"), Place("urllist:///l.txt?strip=a/"));
        var profile = new MspMigration.Engine.Configuration.CredentialProfile("p", new Dictionary<string, string> { ["endpoint"] = "http://10.1.2.3:9000" });
        Assert.Equal(new StorePlace(Service: "10.1.2.3:9000", Bucket: "bucket-a", Prefix: "x/"),
            StoreLocation.Parse("s3://bucket-a/x/", "Source") is var s3 ? s3.Kind.Place(s3, "p", profile) : null);
        // A profile this machine does not know stands for its service by name.
        Assert.Equal("cos:profile:remote", Place("cos://b-1250000000/", "remote").Service);
    }

    private static StorePlace Place(string text, string? profileName = null)
    {
        var location = StoreLocation.Parse(text, "Source");
        return location.Kind.Place(location, profileName, null);
    }
}
