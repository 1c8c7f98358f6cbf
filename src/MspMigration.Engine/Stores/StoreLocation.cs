namespace MspMigration.Engine.Stores;

/// <summary>
/// A parsed store address: <c>local:///path</c> (or a plain path), <c>oss://bucket/prefix</c>,
/// <c>cos://name-appid/prefix</c>, <c>s3://bucket/prefix</c>, <c>urllist:///path/list.txt[?strip=prefix]</c>.
/// For a URL list, Bucket is the list file's absolute path and Prefix the key prefix to strip.
/// </summary>
public sealed record StoreLocation(string Scheme, string Bucket, string Prefix)
{
    public const string LocalScheme = "local";
    public const string UrlListScheme = "urllist";
    public static readonly string[] KnownSchemes = [LocalScheme, "oss", "cos", "s3", UrlListScheme];

    /// <summary>The canonical text stored in the control plane (local paths made absolute).</summary>
    public override string ToString() => Scheme switch
    {
        LocalScheme => $"local://{Bucket}",
        UrlListScheme => Prefix.Length == 0 ? $"urllist://{Bucket}" : $"urllist://{Bucket}?strip={Uri.EscapeDataString(Prefix)}",
        _ => $"{Scheme}://{Bucket}/{Prefix}",
    };

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
        if (scheme == UrlListScheme) return ParseUrlList(text, rest, parameterName);
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no bucket.", text);
        return new StoreLocation(scheme, bucket, prefix);
    }

    // urllist://<path>[?strip=<prefix>]: '?' starts the options, so a list's file name cannot hold one.
    private static StoreLocation ParseUrlList(string text, string rest, string parameterName)
    {
        var q = rest.IndexOf('?');
        var path = q < 0 ? rest : rest[..q];
        if (path.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no URL list file.", text);
        var strip = "";
        if (q >= 0)
        {
            foreach (var option in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = option.IndexOf('=');
                var name = eq < 0 ? option : option[..eq];
                if (!name.Equals("strip", StringComparison.OrdinalIgnoreCase))
                    throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument,
                        $"{parameterName} '{text}' has an unknown option '{name}'; a URL list takes only 'strip=<prefix>'.", text);
                // Keys have no leading '/', so one written for readability is dropped.
                strip = Uri.UnescapeDataString(eq < 0 ? "" : option[(eq + 1)..]).TrimStart('/');
            }
        }
        return new StoreLocation(UrlListScheme, Path.GetFullPath(path), strip);
    }
}
