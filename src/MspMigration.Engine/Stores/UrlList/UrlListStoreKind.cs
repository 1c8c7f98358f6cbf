using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// <c>urllist:///path/list.txt[?strip=prefix/]</c>: a read-only source of http(s) URLs. Bucket is
/// the list file's absolute path, Prefix the key prefix to strip.
/// </summary>
public sealed class UrlListStoreKind : IStoreKind
{
    public const string Scheme = "urllist";
    public static readonly UrlListStoreKind Instance = new();

    // A list has no sizes and times before each URL is fetched, and no hash to check against.
    public static readonly StoreCapabilities Declared =
        new(Writable: false, ListsSizesAndTimes: false, KeepsModificationTimes: false, HashKind.None, RangedReads: false);

    private UrlListStoreKind() { }

    public IReadOnlyList<string> Schemes { get; } = [Scheme];
    public bool TakesPlainPaths => false;
    public string Example => "urllist:///path/list.txt[?strip=prefix/]";

    // '?' starts the options, so a list's file name cannot hold one.
    public StoreLocation Parse(string scheme, string rest, string text, string parameterName)
    {
        var (path, options) = Split(rest);
        if (path.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no URL list file.", text);
        var strip = "";
        foreach (var option in options.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = option.IndexOf('=');
            var name = eq < 0 ? option : option[..eq];
            if (!name.Equals("strip", StringComparison.OrdinalIgnoreCase))
                throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument,
                    $"{parameterName} '{text}' has an unknown option '{name}'; a URL list takes only 'strip=<prefix>'.", text);
            // Keys have no leading '/', so one written for readability is dropped.
            strip = Uri.UnescapeDataString(eq < 0 ? "" : option[(eq + 1)..]).TrimStart('/');
        }
        return new StoreLocation(Scheme, Path.GetFullPath(path), strip);
    }

    public string Format(StoreLocation location) => location.Prefix.Length == 0
        ? $"{Scheme}://{location.Bucket}"
        : $"{Scheme}://{location.Bucket}?strip={Uri.EscapeDataString(location.Prefix)}";

    // Only the path is resolved; the options go along as written.
    public string? WithAbsolutePaths(string rest, Func<string, string> resolvePath)
    {
        var q = rest.IndexOf('?');
        var path = q < 0 ? rest : rest[..q];
        return path.Length == 0 ? null : $"{Scheme}://{resolvePath(path)}{(q < 0 ? "" : rest[q..])}";
    }

    public StoreCapabilities Capabilities(StoreLocation location) => Declared;

    public IReadOnlyList<string> ValidateSource(StoreLocation location) => UrlListValidation.Validate(location.Bucket, location.Prefix);

    public void ValidateDestination(StoreLocation location) { } // not writable: refused before this is asked

    // Its only file on this machine is the list itself; the URLs may point anywhere.
    public StorePlace Place(StoreLocation location, string? profileName, CredentialProfile? profile) => new(File: location.Bucket);

    public IObjectStore Open(StoreLocation location, CredentialProfile? profile, StoreOpenOptions options) =>
        new UrlListStore(location.Bucket, location.Prefix, options.Stall);

    private static (string Path, string Options) Split(string rest)
    {
        var q = rest.IndexOf('?');
        return q < 0 ? (rest, "") : (rest[..q], rest[(q + 1)..]);
    }
}
