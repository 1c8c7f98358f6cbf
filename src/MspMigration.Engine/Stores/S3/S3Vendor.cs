using System.Text.RegularExpressions;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// What differs between the S3-compatible services, as data: scheme, default endpoint, addressing
/// style, the header carrying the service's CRC-64/XZ, bucket-name rule, storage-class names and
/// the environment variables their own tools read. A new S3-compatible service is one more
/// instance here and in <see cref="All"/>.
/// </summary>
public sealed class S3Vendor
{
    public static readonly S3Vendor Oss = new()
    {
        Scheme = "oss",
        DisplayName = "Alibaba Cloud OSS",
        Crc64Header = "x-oss-hash-crc64ecma",
        // OSS answers path-style requests with SecondLevelDomainForbidden.
        VirtualHostedOnly = true,
        // The S3-compatible endpoints of Alibaba's "Access OSS using AWS SDKs"; oss-{region}.aliyuncs.com
        // is the native OSS API.
        EndpointTemplate = "https://s3.oss-{region}{internal}.aliyuncs.com",
        AccelerateEndpoint = "https://s3.oss-accelerate.aliyuncs.com",
        InternalSuffix = "-internal",
        // Accept both "cn-hangzhou" and the endpoint-style "oss-cn-hangzhou".
        RegionAliasPrefix = "oss-",
        BucketRule = S3BucketNames.OssRule(),
        BucketRuleText = "an OSS bucket name has 3 to 63 lower-case letters, digits and hyphens, and starts and ends with a letter or digit",
        StorageClasses = Classes(archive: "GLACIER", coldArchive: "ColdArchive", deepArchive: "DeepColdArchive"),
        // "S3 API on OSS": Standard, IA and Archive are STANDARD, STANDARD_IA and GLACIER; the cold
        // tiers keep the names of x-oss-storage-class.
        AcceptedStorageClasses = ["STANDARD", "STANDARD_IA", "GLACIER", "ColdArchive", "DeepColdArchive"],
        KeyIdVariables = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "OSS_ACCESS_KEY_ID"],
        SecretVariables = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "OSS_ACCESS_KEY_SECRET"],
        TokenVariables = ["ALIBABA_CLOUD_SECURITY_TOKEN"],
    };

    public static readonly S3Vendor Cos = new()
    {
        Scheme = "cos",
        DisplayName = "Tencent Cloud COS",
        Crc64Header = "x-cos-hash-crc64ecma",
        EndpointTemplate = "https://cos.{region}.myqcloud.com",
        AccelerateEndpoint = "https://cos.accelerate.myqcloud.com",
        BucketRule = S3BucketNames.CosRule(),
        BucketRuleText = "a COS bucket is named <name>-<APPID> (for example photos-1250000000): lower-case letters, digits and hyphens, at most 60 characters",
        StorageClasses = Classes(archive: "ARCHIVE", coldArchive: "DEEP_ARCHIVE", deepArchive: "DEEP_ARCHIVE"),
        // COS PUT Object, x-cos-storage-class (also taken as x-amz-storage-class); MAZ_ = multi-AZ buckets.
        AcceptedStorageClasses = ["STANDARD", "STANDARD_IA", "ARCHIVE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING",
            "MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING"],
        KeyIdVariables = ["TENCENTCLOUD_SECRET_ID", "COS_SECRET_ID"],
        SecretVariables = ["TENCENTCLOUD_SECRET_KEY", "COS_SECRET_KEY"],
        TokenVariables = ["TENCENTCLOUD_SESSION_TOKEN"],
    };

    public static readonly S3Vendor Generic = new()
    {
        Scheme = "s3",
        DisplayName = "S3-compatible store",
        BucketRule = S3BucketNames.S3Rule(),
        BucketRuleText = "an S3 bucket name has 3 to 63 lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit",
        StorageClasses = Classes(archive: "GLACIER", coldArchive: "DEEP_ARCHIVE", deepArchive: "DEEP_ARCHIVE"),
        AcceptedStorageClasses = ["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
            "REDUCED_REDUNDANCY"],
        KeyIdVariables = ["AWS_ACCESS_KEY_ID"],
        SecretVariables = ["AWS_SECRET_ACCESS_KEY"],
        TokenVariables = ["AWS_SESSION_TOKEN"],
        RegionVariables = ["AWS_REGION", "AWS_DEFAULT_REGION"],
    };

    /// <summary>Every vendor; each one's scheme is registered through <see cref="S3StoreKind"/>.</summary>
    public static readonly IReadOnlyList<S3Vendor> All = [Oss, Cos, Generic];

    private S3Vendor() { }

    public required string Scheme { get; init; }
    public required string DisplayName { get; init; }
    /// <summary>The response header with the service's CRC-64/XZ of the object (decimal), if the service sends one.</summary>
    public string? Crc64Header { get; init; }
    public bool VirtualHostedOnly { get; init; }
    /// <summary>The endpoint for a region (<c>{region}</c>, <c>{internal}</c>), or null when the service has no naming rule.</summary>
    public string? EndpointTemplate { get; init; }
    /// <summary>The global acceleration endpoint (profile setting <c>accelerate</c>), where the service has one.</summary>
    public string? AccelerateEndpoint { get; init; }
    /// <summary>What <c>{internal}</c> becomes when the profile asks for the internal network.</summary>
    public string InternalSuffix { get; init; } = "";
    /// <summary>A prefix some write before a region id, dropped before the region is used.</summary>
    public string? RegionAliasPrefix { get; init; }
    public required Regex BucketRule { get; init; }
    public required string BucketRuleText { get; init; }
    /// <summary>Neutral storage-class name (see <see cref="S3StorageClasses"/>) to the name this service's S3 API accepts.</summary>
    public required IReadOnlyDictionary<string, string> StorageClasses { get; init; }
    /// <summary>Every x-amz-storage-class value the service documents, as it spells them (a task's -StorageClass is one of these).</summary>
    public required IReadOnlyList<string> AcceptedStorageClasses { get; init; }
    public required string[] KeyIdVariables { get; init; }
    public required string[] SecretVariables { get; init; }
    public required string[] TokenVariables { get; init; }
    public string[] RegionVariables { get; init; } = [];

    /// <summary>What the service reports that the copier can check the bytes read against.</summary>
    public HashKind Hash => Crc64Header is null ? HashKind.Md5ETag : HashKind.Crc64;

    public static S3Vendor? ForScheme(string scheme)
    {
        foreach (var vendor in All)
            if (vendor.Scheme.Equals(scheme, StringComparison.OrdinalIgnoreCase)) return vendor;
        return null;
    }

    /// <summary>The service endpoint for a region, when the vendor has a naming rule for it.</summary>
    public string? DefaultEndpoint(string? region, bool internalNetwork, bool accelerate = false)
    {
        if (string.IsNullOrEmpty(region) || EndpointTemplate is null) return null;
        if (accelerate) return AccelerateEndpoint;
        if (RegionAliasPrefix is { } alias && region.StartsWith(alias, StringComparison.OrdinalIgnoreCase)) region = region[alias.Length..];
        return EndpointTemplate.Replace("{region}", region).Replace("{internal}", internalNetwork ? InternalSuffix : "");
    }

    /// <summary>The signing region; OSS signs with its bare region id (cn-hangzhou), not oss-cn-hangzhou.</summary>
    public static string SigningRegion(string? region) =>
        string.IsNullOrEmpty(region) ? "us-east-1"
        : region.StartsWith("oss-", StringComparison.OrdinalIgnoreCase) ? region[4..] : region;

    // Standard and IA are spelt alike everywhere; the archive tiers differ.
    private static Dictionary<string, string> Classes(string archive, string coldArchive, string deepArchive) => new(StringComparer.Ordinal)
    {
        ["Standard"] = "STANDARD",
        ["IA"] = "STANDARD_IA",
        ["Archive"] = archive,
        ["ColdArchive"] = coldArchive,
        ["DeepArchive"] = deepArchive,
    };
}
