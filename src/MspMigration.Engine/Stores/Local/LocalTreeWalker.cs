using System.IO.Enumeration;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// Walks a directory tree in the key order of an S3 listing (UTF-8 bytes of the whole key),
/// starting after a given key without visiting the subtrees that lie wholly before it.
/// </summary>
internal static class LocalTreeWalker
{
    private readonly record struct Entry(string Name, string SortKey, bool IsDirectory, long Length, DateTimeOffset LastWrite);

    public static IEnumerable<ObjectInfo> Walk(string root, string? startAfter) => WalkDirectory(root, "", startAfter);

    private static IEnumerable<ObjectInfo> WalkDirectory(string directory, string keyPrefix, string? startAfter)
    {
        var comparer = Utf8OrdinalComparer.Instance;
        foreach (var entry in ReadSorted(directory, keyPrefix.Length == 0))
        {
            var key = keyPrefix + entry.SortKey;
            if (entry.IsDirectory)
            {
                // Skip a subtree only when every key in it sorts before startAfter.
                if (startAfter is not null && comparer.Compare(key, startAfter) < 0 && !startAfter.StartsWith(key, StringComparison.Ordinal))
                    continue;
                foreach (var item in WalkDirectory(Path.Combine(directory, entry.Name), key, startAfter))
                    yield return item;
            }
            else
            {
                if (startAfter is not null && comparer.Compare(key, startAfter) <= 0) continue;
                yield return new ObjectInfo(key, entry.Length, entry.LastWrite);
            }
        }
    }

    private static List<Entry> ReadSorted(string directory, bool isRoot)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        var entries = new FileSystemEnumerable<Entry?>(directory, Transform, options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !(isRoot && e.FileName.SequenceEqual(LocalKeyMapper.StagingFolder)),
        }.OfType<Entry>().ToList();
        entries.Sort((a, b) => Utf8OrdinalComparer.Instance.Compare(a.SortKey, b.SortKey));
        return entries;
    }

    private static Entry? Transform(ref FileSystemEntry e)
    {
        var name = e.FileName.ToString();
        if ((e.Attributes & FileAttributes.ReparsePoint) != 0)
        {
            // Links to files are followed; links to directories are not (they can loop).
            // A dangling link is listed and then fails on read, so the operator sees it
            // among the failed objects instead of it vanishing silently.
            var path = e.ToFullPath();
            if (Directory.Exists(path)) return null;
            var info = new FileInfo(path);
            return new Entry(name, name, false, info.Exists ? info.Length : 0, info.Exists ? info.LastWriteTimeUtc : e.LastWriteTimeUtc);
        }
        return e.IsDirectory
            ? new Entry(name, name + "/", true, 0, default)
            : new Entry(name, name, false, e.Length, e.LastWriteTimeUtc);
    }
}
