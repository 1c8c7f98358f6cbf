using MspMigration.Engine.Configuration;

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
    /// Each kind says where its objects live (<see cref="IStoreKind.Place"/>); the profiles locate
    /// stores on a network service.
    /// </summary>
    public static void Check(StoreLocation source, string? sourceProfileName, CredentialProfile? sourceProfile,
        StoreLocation destination, string? destinationProfileName, CredentialProfile? destinationProfile)
    {
        var from = source.Kind.Place(source, sourceProfileName, sourceProfile);
        var to = destination.Kind.Place(destination, destinationProfileName, destinationProfile);
        var why = FileOverlap(from, to) ?? BucketOverlap(from, to);
        if (why is not null)
            throw new MigrationException(ErrorId, MigrationErrorKind.InvalidArgument,
                $"The source {source} and the destination {destination} overlap: {why}. Copying would overwrite the source; choose a destination outside it.",
                destination.ToString());
    }

    private static string? FileOverlap(StorePlace source, StorePlace destination)
    {
        if (destination.Folder is null) return null;
        var dst = RealPath(destination.Folder);
        if (source.File is { } file)
        {
            var src = RealPath(file);
            return IsWithin(src, dst) ? $"the file '{src}' the source reads lies inside the destination directory '{dst}'" : null;
        }
        if (source.Folder is null) return null;
        var folder = RealPath(source.Folder);
        if (string.Equals(folder, dst, PathComparison)) return $"both are the directory '{folder}'";
        if (IsWithin(dst, folder)) return $"the destination '{dst}' is inside the source '{folder}'";
        if (IsWithin(folder, dst)) return $"the source '{folder}' is inside the destination '{dst}'";
        return null;
    }

    private static string? BucketOverlap(StorePlace source, StorePlace destination)
    {
        if (source.Service is null || destination.Service is null) return null;
        if (!string.Equals(source.Service, destination.Service, StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.Equals(source.Bucket, destination.Bucket, StringComparison.Ordinal)) return null;
        // Key prefixes are string prefixes: listing "a" lists "ab/x" too.
        var (s, d) = (source.Prefix, destination.Prefix);
        if (s == d) return $"both are bucket '{source.Bucket}' with prefix '{s}'";
        if (d.StartsWith(s, StringComparison.Ordinal)) return $"the destination prefix '{d}' lies under the source prefix '{s}' of bucket '{source.Bucket}'";
        if (s.StartsWith(d, StringComparison.Ordinal)) return $"the source prefix '{s}' lies under the destination prefix '{d}' of bucket '{source.Bucket}'";
        return null;
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
