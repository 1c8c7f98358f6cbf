using System.Text.RegularExpressions;

namespace MspMigration.Engine.Stores.S3;

/// <summary>Bucket name rules, checked before any request so a typo fails at task creation.</summary>
public static partial class S3BucketNames
{
    // OSS: 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex OssRule();

    // COS: the name, a hyphen and the numeric APPID (examplebucket-1250000000); the whole at most 60 characters.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*-[0-9]{6,}$")]
    private static partial Regex CosRule();

    // Generic S3: 3-63 characters of lower-case letters, digits, dots and hyphens.
    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex S3Rule();

    /// <summary>Why the name is not valid for the vendor, or null when it is.</summary>
    public static string? Problem(S3Vendor vendor, string bucket)
    {
        if (vendor == S3Vendor.Oss)
            return OssRule().IsMatch(bucket) ? null
                : "an OSS bucket name has 3 to 63 lower-case letters, digits and hyphens, and starts and ends with a letter or digit";
        if (vendor == S3Vendor.Cos)
            return CosRule().IsMatch(bucket) && bucket.Length <= 60 ? null
                : "a COS bucket is named <name>-<APPID> (for example photos-1250000000): lower-case letters, digits and hyphens, at most 60 characters";
        return S3Rule().IsMatch(bucket) && !bucket.Contains("..", StringComparison.Ordinal) ? null
            : "an S3 bucket name has 3 to 63 lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit";
    }
}
