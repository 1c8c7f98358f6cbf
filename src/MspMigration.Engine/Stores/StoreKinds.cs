using MspMigration.Engine.Stores.Local;
using MspMigration.Engine.Stores.S3;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Engine.Stores;

/// <summary>
/// The registry of store kinds. Adding a kind is a folder under Stores/ with an
/// <see cref="IStoreKind"/> in it, and one line here.
/// </summary>
public static class StoreKinds
{
    public static readonly IReadOnlyList<IStoreKind> All =
    [
        LocalStoreKind.Instance,
        S3StoreKind.Instance,
        UrlListStoreKind.Instance,
    ];

    /// <summary>Every registered scheme, in registration order.</summary>
    public static IEnumerable<string> Schemes => All.SelectMany(k => k.Schemes);

    /// <summary>The kind a scheme names (any case), or null.</summary>
    public static IStoreKind? Find(string scheme)
    {
        foreach (var kind in All)
            foreach (var s in kind.Schemes)
                if (s.Equals(scheme, StringComparison.OrdinalIgnoreCase)) return kind;
        return null;
    }

    /// <summary>The kind of a location parsed earlier; a scheme no kind claims is a bug, not bad input.</summary>
    public static IStoreKind Of(StoreLocation location) =>
        Find(location.Scheme) ?? throw new InvalidOperationException($"No store kind is registered for scheme '{location.Scheme}'.");

    public static StoreLocation Parse(string text, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} is empty.", text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        // A plain path ("C:\x" style drive paths included) names a folder.
        if (schemeEnd < 0) return PlainPaths.Parse(PlainPaths.Schemes[0], text, text, parameterName);
        var scheme = text[..schemeEnd].ToLowerInvariant();
        var kind = Find(scheme) ?? throw new MigrationException("UnknownStoreScheme", MigrationErrorKind.InvalidArgument,
            $"{parameterName} '{text}' has an unknown scheme '{scheme}'. Known schemes: {string.Join(", ", Schemes)} (or a plain directory path).", text);
        return kind.Parse(scheme, text[(schemeEnd + 3)..], text, parameterName);
    }

    /// <summary>
    /// Makes the file paths in an address absolute against <paramref name="resolvePath"/>; agents
    /// read them later, from another folder. Unknown schemes pass unchanged, for Parse to refuse.
    /// </summary>
    public static string WithAbsolutePaths(string text, Func<string, string> resolvePath)
    {
        if (string.IsNullOrWhiteSpace(text)) return text;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return resolvePath(text);
        var scheme = text[..schemeEnd].ToLowerInvariant();
        return Find(scheme)?.WithAbsolutePaths(text[(schemeEnd + 3)..], resolvePath) ?? text;
    }

    private static IStoreKind PlainPaths => All.Single(k => k.TakesPlainPaths);
}
