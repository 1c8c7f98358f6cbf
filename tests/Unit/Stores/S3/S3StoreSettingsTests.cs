using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Tests.Unit.Stores.S3;

public class S3StoreSettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static CredentialProfile Profile(params (string Key, string Value)[] settings) =>
        new("p", settings.ToDictionary(s => s.Key, s => s.Value));

    [Fact]
    public void Oss_endpoint_is_the_documented_s3_compatible_one_public_or_internal()
    {
        // Alibaba's "Access OSS using AWS SDKs": s3.oss-{region}[-internal].aliyuncs.com, not the native oss-{region}.
        var pub = S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "cn-hangzhou")), NoEnvironment);
        Assert.Equal("https://s3.oss-cn-hangzhou.aliyuncs.com", pub.ResolveEndpoint());
        var inside = S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "oss-cn-hangzhou"), ("internal", "true")), NoEnvironment);
        Assert.Equal("https://s3.oss-cn-hangzhou-internal.aliyuncs.com", inside.ResolveEndpoint());
        Assert.Equal("cn-hangzhou", S3Vendor.SigningRegion("oss-cn-hangzhou"));
    }

    [Fact]
    public void Accelerate_selects_each_vendors_acceleration_endpoint_and_keeps_the_signing_region()
    {
        var oss = S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "cn-hangzhou"), ("accelerate", "true")), NoEnvironment);
        Assert.Equal("https://s3.oss-accelerate.aliyuncs.com", oss.ResolveEndpoint());
        Assert.Equal("cn-hangzhou", S3Vendor.SigningRegion(oss.Region));
        var cos = S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "ap-guangzhou"), ("accelerate", "true")), NoEnvironment);
        Assert.Equal("https://cos.accelerate.myqcloud.com", cos.ResolveEndpoint());
    }

    [Theory]
    [InlineData("s3", "only to services with an acceleration endpoint")]
    [InlineData("oss", "exclude each other")]
    public void Accelerate_is_refused_where_it_cannot_apply(string scheme, string expected)
    {
        var vendor = scheme == "s3" ? S3Vendor.Generic : S3Vendor.Oss;
        var settings = scheme == "s3"
            ? Profile(("endpoint", "http://127.0.0.1:9000"), ("accelerate", "true"))
            : Profile(("region", "cn-hangzhou"), ("accelerate", "true"), ("internal", "true"));
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(vendor, settings, NoEnvironment));
        Assert.Equal("ProfileSettingInvalid", e.ErrorId); // as every other bad profile setting
        Assert.Contains("'accelerate'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Cos_endpoint_follows_the_region_and_accepts_tencent_key_names()
    {
        var s = S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "ap-guangzhou"), ("secret_id", "AKIDexample1"), ("secret_key", "secretexample1")), NoEnvironment);
        Assert.Equal("https://cos.ap-guangzhou.myqcloud.com", s.ResolveEndpoint());
        Assert.Equal("AKIDexample1", s.AccessKeyId);
        Assert.Equal("secretexample1", s.SecretAccessKey);
    }

    [Fact]
    public void A_custom_endpoint_wins_and_gets_a_scheme()
    {
        var s = S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "cn-beijing"), ("endpoint", "10.0.0.8:8080")), NoEnvironment);
        Assert.Equal("https://10.0.0.8:8080", s.ResolveEndpoint());
    }

    [Fact]
    public void Oss_refuses_path_style()
    {
        var e = Assert.Throws<MigrationException>(() =>
            S3StoreSettings.From(S3Vendor.Oss, Profile(("region", "cn-hangzhou"), ("force_path_style", "true")), NoEnvironment));
        Assert.Equal("ProfileSettingInvalid", e.ErrorId);
        Assert.Equal("p.force_path_style", e.Target);
    }

    [Fact]
    public void A_profile_for_another_vendor_is_refused()
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos, Profile(("type", "oss"), ("region", "x")), NoEnvironment));
        Assert.Equal("p.type", e.Target);
    }

    [Fact]
    public void Generic_s3_needs_an_endpoint()
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Generic, Profile(), NoEnvironment));
        Assert.Equal(MigrationErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("endpoint", e.Message);
    }

    [Fact]
    public void Unknown_settings_and_bad_numbers_are_named()
    {
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "x"), ("secret_kye", "v")), NoEnvironment));
        Assert.Equal("p.secret_kye", e.Target);
        e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "x"), ("part_size_mb", "2")), NoEnvironment));
        Assert.Equal("p.part_size_mb", e.Target);
        // Parts and single-PUT bodies are buffered in arrays: sizes above 1 GiB are refused, not overflowed.
        e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "x"), ("part_size_mb", "3000")), NoEnvironment));
        Assert.Equal("p.part_size_mb", e.Target);
        e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "x"), ("multipart_threshold_mb", "2048")), NoEnvironment));
        Assert.Equal("p.multipart_threshold_mb", e.Target);
    }

    [Fact]
    public void A_key_id_without_its_secret_is_refused_without_printing_either()
    {
        var e = Assert.Throws<MigrationException>(() =>
            S3StoreSettings.From(S3Vendor.Cos, Profile(("region", "x"), ("secret_id", "AKIDlonely123")), NoEnvironment));
        Assert.DoesNotContain("AKIDlonely123", e.Message);
    }

    [Fact]
    public void Credentials_come_from_the_environment_when_the_profile_has_none()
    {
        var env = new Dictionary<string, string>
        {
            ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAIenv12345",
            ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "envsecret-98765",
            ["MSPMIGRATION_OSS_REGION"] = "cn-shanghai",
        };
        var s = S3StoreSettings.From(S3Vendor.Oss, null, n => env.GetValueOrDefault(n));
        Assert.Equal("LTAIenv12345", s.AccessKeyId);
        Assert.Equal("https://s3.oss-cn-shanghai.aliyuncs.com", s.ResolveEndpoint());
        // Registered, so any message that carries it is redacted.
        Assert.Equal("key ***", SecretRedactor.Redact("key envsecret-98765"));
    }

    [Theory]
    [InlineData(100L * 1024 * 1024, 8L * 1024 * 1024)]
    [InlineData(1L << 40, 105L * 1024 * 1024)] // 1 TiB: grown to fit 10,000 parts
    public void Part_size_grows_so_any_object_fits_in_10000_parts(long length, long expected)
    {
        Assert.Equal(expected, S3Writer.PartSizeFor(length, 8L * 1024 * 1024));
    }

    [Fact]
    public void The_largest_object_fits_within_the_part_limits()
    {
        var largest = (long)(48.8 * (1L << 40));
        var part = S3Writer.PartSizeFor(largest, 8L * 1024 * 1024);
        Assert.True((largest + part - 1) / part <= 10_000);
        Assert.True(part <= 5L * 1024 * 1024 * 1024);
    }

    [Fact]
    public void Stall_seconds_come_from_the_agent_unless_the_profile_sets_them()
    {
        var agentDefault = S3StoreSettings.From(S3Vendor.Generic, Profile(("endpoint", "http://127.0.0.1:9000")), NoEnvironment, TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), agentDefault.StallTimeout);
        var own = S3StoreSettings.From(S3Vendor.Generic, Profile(("endpoint", "http://127.0.0.1:9000"), ("stall_seconds", "3")), NoEnvironment, TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(3), own.StallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), S3StoreSettings.From(S3Vendor.Generic, Profile(("endpoint", "http://h")), NoEnvironment).StallTimeout);
        var e = Assert.Throws<MigrationException>(() => S3StoreSettings.From(S3Vendor.Generic, Profile(("endpoint", "http://h"), ("stall_seconds", "0")), NoEnvironment));
        Assert.Contains("stall_seconds", e.Message);
    }
}
