using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

public class S3CustomDomainAndClassTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static CredentialProfile Profile(params (string Key, string Value)[] settings) =>
        new("p", settings.ToDictionary(s => s.Key, s => s.Value));

    [Theory]
    [InlineData("img.example.com", "https://img.example.com")]
    [InlineData("http://cdn.example.com:8080", "http://cdn.example.com:8080")]
    [InlineData("https://img.example.com/", "https://img.example.com")]
    public void A_custom_domain_is_the_endpoint(string domain, string expected)
    {
        var s = S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "cn-hangzhou"), ("custom_domain", domain)), NoEnvironment);
        Assert.Equal(expected, s.CustomDomain);
        Assert.Equal(expected, s.ResolveEndpoint());
    }

    [Theory]
    [InlineData("endpoint", "http://10.0.0.1")]
    [InlineData("internal", "true")]
    [InlineData("accelerate", "true")]
    [InlineData("force_path_style", "false")]
    public void A_custom_domain_excludes_the_other_addressing_settings(string other, string value)
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos,
            Profile(("region", "ap-guangzhou"), ("custom_domain", "img.example.com"), (other, value)), NoEnvironment));
        Assert.Equal("ProfileSettingInvalid", e.ErrorId);
        Assert.Contains($"'{other}'", e.Message);
    }

    [Theory]
    [InlineData("img.example.com/photos")]
    [InlineData("ftp://img.example.com")]
    [InlineData("https://img.example.com/?a=1")]
    public void A_custom_domain_with_a_path_or_another_scheme_is_refused(string domain)
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Oss,
            Profile(("region", "cn-hangzhou"), ("custom_domain", domain)), NoEnvironment));
        Assert.Contains("'custom_domain'", e.Message);
    }

    [Fact]
    public void A_custom_domain_needs_the_region_to_sign_for()
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Oss, Profile(("custom_domain", "img.example.com")), NoEnvironment));
        Assert.Contains("'region'", e.Message);
    }

    [Theory]
    [InlineData("cos", "ia", "STANDARD_IA")]
    [InlineData("cos", "maz-standard", "MAZ_STANDARD")]
    [InlineData("cos", "Intelligent_Tiering", "INTELLIGENT_TIERING")]
    [InlineData("cos", "Archive", "ARCHIVE")]
    [InlineData("oss", "Archive", "GLACIER")]
    [InlineData("oss", "deepcoldarchive", "DeepColdArchive")]
    [InlineData("s3", "DeepArchive", "DEEP_ARCHIVE")]
    public void A_task_storage_class_is_stored_in_the_vendors_spelling(string scheme, string given, string expected)
    {
        var at = new StoreLocation(scheme, scheme == "cos" ? "photos-1250000000" : "photos", "");
        Assert.Equal(expected, at.Kind.CheckStorageClass(at, given));
    }

    [Theory]
    [InlineData("cos", "GLACIER")]
    [InlineData("oss", "MAZ_STANDARD")]
    [InlineData("oss", "Cold")]
    public void A_class_the_vendor_lacks_is_refused_with_the_valid_ones(string scheme, string given)
    {
        var at = new StoreLocation(scheme, scheme == "cos" ? "photos-1250000000" : "photos", "");
        var e = Assert.Throws<MigrationException>(() => at.Kind.CheckStorageClass(at, given));
        Assert.Equal("StorageClassInvalid", e.ErrorId);
        Assert.Equal(given, e.Target);
        Assert.Contains($"'{given}'", e.Message);
        Assert.Contains("STANDARD_IA", e.Message);
    }
}
