namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// What differs between the S3-compatible services: default endpoints, addressing style and
/// the header that carries the service's CRC-64/XZ of an object.
/// </summary>
public sealed record S3Vendor(string Scheme, string DisplayName, string? Crc64Header, bool VirtualHostedOnly)
{
    public static readonly S3Vendor Oss = new("oss", "Alibaba Cloud OSS", "x-oss-hash-crc64ecma", VirtualHostedOnly: true);
    public static readonly S3Vendor Cos = new("cos", "Tencent Cloud COS", "x-cos-hash-crc64ecma", VirtualHostedOnly: false);
    public static readonly S3Vendor Generic = new("s3", "S3-compatible store", null, VirtualHostedOnly: false);

    public static S3Vendor? ForScheme(string scheme) => scheme.ToLowerInvariant() switch
    {
        "oss" => Oss,
        "cos" => Cos,
        "s3" => Generic,
        _ => null,
    };

    /// <summary>The service endpoint for a region, when the vendor has a naming rule for it.</summary>
    public string? DefaultEndpoint(string? region, bool internalNetwork)
    {
        if (string.IsNullOrEmpty(region)) return null;
        if (this == Oss)
        {
            // Accept both "cn-hangzhou" and the endpoint-style "oss-cn-hangzhou".
            var r = region.StartsWith("oss-", StringComparison.OrdinalIgnoreCase) ? region[4..] : region;
            return $"https://oss-{r}{(internalNetwork ? "-internal" : "")}.aliyuncs.com";
        }
        if (this == Cos) return $"https://cos.{region}.myqcloud.com";
        return null;
    }

    /// <summary>The signing region; OSS signs with its bare region id (cn-hangzhou), not oss-cn-hangzhou.</summary>
    public static string SigningRegion(string? region) =>
        string.IsNullOrEmpty(region) ? "us-east-1"
        : region.StartsWith("oss-", StringComparison.OrdinalIgnoreCase) ? region[4..] : region;
}
