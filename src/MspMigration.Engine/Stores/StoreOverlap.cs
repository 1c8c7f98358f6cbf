using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores.S3;

namespace MspMigration.Engine.Stores;

/// <summary>
/// Refuses a task whose destination and source share objects: writing into the source (or
/// reading from what is being written) overwrites the source and makes every pass nest deeper.
/// Checked at task creation and again when an agent opens the task, since a symbolic link may
/// have changed in between.
/// </summary>
public static class StoreOverlap
{
    public const string ErrorId = "SourceDestinationOverlap";

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// Throws <see cref="MigrationException"/> <c>SourceDestinationOverlap</c> when the two places overlap.
    /// The profiles locate S3 stores (their endpoints); a profile name that this machine does not
    /// know stands for its endpoint, so equal names compare as one service.
    /// </summary>
    public static void Check(StoreLocation source, string? sourceProfileName, CredentialProfile? sourceProfile,
        StoreLocation destination, string? destinationProfileName, CredentialProfile? destinationProfile)
    {
        var why = FileOverlap(source, destination)
            ?? BucketOverlap(source, Service(source, sourceProfileName, sourceProfile),
                destination, Service(destination, destinationProfileName, destinationProfile));
        if (why is not null)
            throw new MigrationException(ErrorId, MigrationErrorKind.InvalidArgument,
                $"The source {source} and the destination {destination} overlap: {why}. Copying would overwrite the source; choose a destination outside it.",
                destination.ToString());
    }

    private static string? FileOverlap(StoreLocation source, StoreLocation destination)
    {
        if (destination.Scheme != StoreLocation.LocalScheme) return null;
        // A URL list's only file on disk is the list itself.
        if (source.Scheme is not (StoreLocation.LocalScheme or StoreLocation.UrlListScheme)) return null;
        var src = RealPath(source.Bucket);
        var dst = RealPath(destination.Bucket);
        if (source.Scheme == StoreLocation.UrlListScheme)
            return IsWithin(src, dst) ? $"the URL list '{src}' lies inside the destination directory '{dst}'" : null;
        if (string.Equals(src, dst, PathComparison)) return $"both are the directory '{src}'";
        if (IsWithin(dst, src)) return $"the destination '{dst}' is inside the source '{src}'";
        if (IsWithin(src, dst)) return $"the source '{src}' is inside the destination '{dst}'";
        return null;
    }

    private static string? BucketOverlap(StoreLocation source, string? sourceService, StoreLocation destination, string? destinationService)
    {
        if (sourceService is null || destinationService is null) return null;
        if (!string.Equals(sourceService, destinationService, StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.Equals(source.Bucket, destination.Bucket, StringComparison.Ordinal)) return null;
        // Key prefixes are string prefixes: listing "a" lists "ab/x" too.
        var (s, d) = (source.Prefix, destination.Prefix);
        if (s == d) return $"both are bucket '{source.Bucket}' with prefix '{s}'";
        if (d.StartsWith(s, StringComparison.Ordinal)) return $"the destination prefix '{d}' lies under the source prefix '{s}' of bucket '{source.Bucket}'";
        if (s.StartsWith(d, StringComparison.Ordinal)) return $"the source prefix '{s}' lies under the destination prefix '{d}' of bucket '{source.Bucket}'";
        return null;
    }

    /// <summary>
    /// Which service an S3-family store talks to: its endpoint when this machine can resolve it,
    /// else the scheme and profile name; null for other stores.
    /// </summary>
    private static string? Service(StoreLocation location, string? profileName, CredentialProfile? profile)
    {
        if (S3Vendor.ForScheme(location.Scheme) is not { } vendor) return null;
        if (profileName is null || profile is not null)
        {
            try
            {
                if (S3StoreSettings.From(vendor, profile).ResolveEndpoint() is { } endpoint
                    && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
                    return $"{uri.Host}:{uri.Port}";
            }
            catch (MigrationException)
            {
                // An incomplete profile is reported where it is used; here it only names the service.
            }
        }
        return $"{location.Scheme}:profile:{profileName}";
    }

    private static bool IsWithin(string inner, string outer)
    {
        if (!inner.StartsWith(outer, PathComparison)) return false;
        if (outer.Length == inner.Length) return true;
        return outer.EndsWith(Path.DirectorySeparatorChar) || inner[outer.Length] == Path.DirectorySeparatorChar;
    }

    /// <summary>
    /// The path with '.', '..', repeated and trailing separators removed and every symbolic link
    /// resolved; the part below the longest existing ancestor is kept as written, since a
    /// destination is often created by the first copy.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var pending = new List<string>(Split(full[root.Length..]));
        var current = root;
        var hops = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var next = Path.Combine(current, pending[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (!info.Exists && info.LinkTarget is null)
            {
                // Below here nothing exists yet: the rest stays as written.
                for (var j = i; j < pending.Count; j++) current = Path.Combine(current, pending[j]);
                break;
            }
            if (info.LinkTarget is { } target && ++hops <= 40)
            {
                // Start again from the root of the link's target, with the rest of the path after it.
                var resolved = Path.GetFullPath(target, current);
                var rest = pending.Skip(i + 1).ToList();
                root = Path.GetPathRoot(resolved) ?? root;
                pending = [.. Split(resolved[root.Length..]), .. rest];
                current = root;
                i = -1;
                continue;
            }
            current = next;
        }
        return current.Length > root.Length ? current.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : current;
    }

    private static string[] Split(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
