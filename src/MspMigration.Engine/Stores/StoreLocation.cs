namespace MspMigration.Engine.Stores;

/// <summary>
/// A parsed store address: <c>local:///path</c> (or a plain path), <c>oss://bucket/prefix</c>,
/// <c>cos://name-appid/prefix</c>, <c>s3://bucket/prefix</c>.
/// </summary>
public sealed record StoreLocation(string Scheme, string Bucket, string Prefix)
{
    public const string LocalScheme = "local";
    public static readonly string[] KnownSchemes = [LocalScheme, "oss", "cos", "s3"];

    /// <summary>The canonical text stored in the control plane (local paths made absolute).</summary>
    public override string ToString() => Scheme == LocalScheme ? $"local://{Bucket}" : $"{Scheme}://{Bucket}/{Prefix}";

    public static StoreLocation Parse(string text, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} is empty.", text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            // A plain path is a local directory; "C:\x" style drive paths land here too.
            return new StoreLocation(LocalScheme, Path.GetFullPath(text), "");
        }
        var scheme = text[..schemeEnd].ToLowerInvariant();
        var rest = text[(schemeEnd + 3)..];
        if (scheme is "file") scheme = LocalScheme;
        if (Array.IndexOf(KnownSchemes, scheme) < 0)
            throw new MigrationException("UnknownStoreScheme", MigrationErrorKind.InvalidArgument,
                $"{parameterName} '{text}' has an unknown scheme '{scheme}'. Known schemes: {string.Join(", ", KnownSchemes)} (or a plain directory path).", text);
        if (scheme == LocalScheme)
        {
            if (rest.Length == 0)
                throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no directory.", text);
            return new StoreLocation(LocalScheme, Path.GetFullPath(rest), "");
        }
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no bucket.", text);
        return new StoreLocation(scheme, bucket, prefix);
    }
}
