using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Stores;

public class StoreOverlapTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msp-overlap-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void Check(string source, string destination) =>
        StoreOverlap.Check(StoreLocation.Parse(source, "Source"), null, null, StoreLocation.Parse(destination, "Destination"), null, null);

    [Theory]
    [InlineData("s3://b/a/", "s3://b/a/")]
    [InlineData("s3://b/a/", "s3://b/a/b/")]
    [InlineData("s3://b/a/b/", "s3://b/a/")]
    [InlineData("s3://b/a", "s3://b/ab")]
    [InlineData("s3://b", "s3://b/x/")]
    [InlineData("cos://b-1250000000/x", "cos://b-1250000000/x/y")]
    public void Bucket_places_sharing_keys_overlap(string source, string destination)
    {
        var e = Assert.Throws<MigrationException>(() => Check(source, destination));
        Assert.Equal("SourceDestinationOverlap", e.ErrorId);
        Assert.Equal(MigrationErrorKind.InvalidArgument, e.Kind);
    }

    [Theory]
    [InlineData("s3://b/a/", "s3://b/b/")]
    [InlineData("s3://b/a/", "s3://c/a/")]
    [InlineData("s3://b/a/", "cos://b-1250000000/a/")]
    public void Bucket_places_without_shared_keys_do_not_overlap(string source, string destination) => Check(source, destination);

    [Fact]
    public void Different_profiles_of_unknown_endpoints_are_different_services() =>
        StoreOverlap.Check(StoreLocation.Parse("s3://b/a/", "S"), "east", null, StoreLocation.Parse("s3://b/a/", "D"), "west", null);

    [Fact]
    public void Profiles_are_compared_by_the_endpoint_they_reach()
    {
        static Engine.Configuration.CredentialProfile Profile(string name, string endpoint) =>
            new(name, new() { ["type"] = "s3", ["endpoint"] = endpoint, ["force_path_style"] = "true" });
        var at = (string text) => StoreLocation.Parse(text, "Location");
        var e = Assert.Throws<MigrationException>(() => StoreOverlap.Check(
            at("s3://b/x/"), "a", Profile("a", "http://127.0.0.1:9000"), at("s3://b/x/y/"), "b", Profile("b", "http://127.0.0.1:9000/")));
        Assert.Equal("SourceDestinationOverlap", e.ErrorId);
        StoreOverlap.Check(at("s3://b/x/"), "a", Profile("a", "http://127.0.0.1:9000"), at("s3://b/x/"), "c", Profile("c", "http://127.0.0.1:9001"));
    }

    [Theory]
    [InlineData("src", "src/")]
    [InlineData("src", "src/./x/..")]
    [InlineData("src", "src/in")]
    [InlineData("src", "src/not/yet/there")]
    [InlineData("src/in", "src")]
    [InlineData("src", "link/in")]
    [InlineData("link", "src/out")]
    [InlineData("src", "link-into-in")]
    public void Directories_overlap_through_dots_and_links(string source, string destination)
    {
        Directory.CreateDirectory(Path.Combine(_root, "src", "in"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), Path.Combine(_root, "src"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "link-into-in"), Path.Combine(_root, "src", "in"));
        var e = Assert.Throws<MigrationException>(() => Check(Path.Combine(_root, source), Path.Combine(_root, destination)));
        Assert.Equal("SourceDestinationOverlap", e.ErrorId);
    }

    [Fact]
    public void A_sibling_with_a_longer_name_does_not_overlap()
    {
        Directory.CreateDirectory(Path.Combine(_root, "src"));
        Check(Path.Combine(_root, "src"), Path.Combine(_root, "src-copy"));
    }

    [Fact]
    public void Real_path_keeps_the_missing_part_below_the_resolved_ancestor()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), "real");
        Assert.Equal(Path.Combine(StoreOverlap.RealPath(_root), "real", "a", "b"), StoreOverlap.RealPath(Path.Combine(_root, "alias", "a", "b") + "/"));
    }
}
