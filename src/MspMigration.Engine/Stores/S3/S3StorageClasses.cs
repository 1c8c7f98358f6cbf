namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Storage classes across vendors. Each vendor names its tiers differently (OSS: Standard, IA,
/// Archive, ColdArchive, DeepColdArchive; COS: STANDARD, STANDARD_IA, ARCHIVE, DEEP_ARCHIVE;
/// S3: STANDARD, STANDARD_IA, GLACIER, DEEP_ARCHIVE); objects are carried through a neutral name.
/// </summary>
public static class S3StorageClasses
{
    public static readonly string[] Neutral = ["Standard", "IA", "Archive", "ColdArchive", "DeepArchive"];

    /// <summary>The neutral name of any vendor's class name, or null when unknown.</summary>
    public static string? Normalize(string? name) => name?.Trim().ToUpperInvariant().Replace("-", "_") switch
    {
        null or "" => null,
        "STANDARD" => "Standard",
        "IA" or "STANDARD_IA" or "ONEZONE_IA" or "INFREQUENT_ACCESS" => "IA",
        "ARCHIVE" or "GLACIER" or "GLACIER_IR" => "Archive",
        "COLDARCHIVE" or "COLD_ARCHIVE" => "ColdArchive",
        "DEEPARCHIVE" or "DEEP_ARCHIVE" or "DEEPCOLDARCHIVE" or "DEEP_COLD_ARCHIVE" => "DeepArchive",
        _ => null,
    };

    /// <summary>
    /// The x-amz-storage-class value for a name a user gave: one of the vendor's own names (any case,
    /// '-' for '_'), or a neutral name mapped to the vendor's; null when it is neither.
    /// </summary>
    public static string? ForVendor(S3Vendor vendor, string name)
    {
        var wanted = name.Trim().Replace('-', '_');
        foreach (var accepted in vendor.AcceptedStorageClasses)
            if (accepted.Equals(wanted, StringComparison.OrdinalIgnoreCase)) return accepted;
        foreach (var neutral in Neutral)
            if (neutral.Equals(wanted, StringComparison.OrdinalIgnoreCase)) return ToVendor(vendor, neutral);
        return null;
    }

    /// <summary>The x-amz-storage-class value a vendor's S3 API accepts for a neutral class.</summary>
    public static string? ToVendor(S3Vendor vendor, string? neutral) =>
        neutral is not null && vendor.StorageClasses.TryGetValue(neutral, out var name) ? name : null;
}
