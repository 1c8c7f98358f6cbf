using System.Text.RegularExpressions;

namespace MspMigration.Engine.Stores.S3;

/// <summary>Bucket name rules, checked before any request so a typo fails at task creation.</summary>
public static partial class S3BucketNames
{
    // OSS: 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    internal static partial Regex OssRule();

    // COS: the name, a hyphen and the numeric APPID (examplebucket-1250000000); the whole at most 60 characters.
    [GeneratedRegex("^(?=.{1,60}$)[a-z0-9][a-z0-9-]*-[0-9]{6,}$")]
    internal static partial Regex CosRule();

    // Generic S3: 3-63 characters of lower-case letters, digits, dots and hyphens, no two dots in a row.
    [GeneratedRegex("^(?!.*\\.\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    internal static partial Regex S3Rule();

    /// <summary>Why the name is not valid for the vendor, or null when it is.</summary>
    public static string? Problem(S3Vendor vendor, string bucket) => vendor.BucketRule.IsMatch(bucket) ? null : vendor.BucketRuleText;
}
