namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// What identifies one version of a file: size, modification and change times (ns) and inode.
/// Taken before the first byte is read and again after the last: any difference means the bytes
/// read may be a mix of two versions, which no checksum of those bytes can reveal. Where the
/// change time and inode are not available (the portable fallback) they are 0 on both sides.
/// </summary>
internal readonly record struct FileStamp(long Size, long ModifiedNs, long ChangedNs, ulong Inode)
{
    /// <summary>The file's modification time, to 100 ns.</summary>
    public DateTimeOffset Modified => new(DateTime.UnixEpoch.Ticks + ModifiedNs / 100, TimeSpan.Zero);

    /// <summary>What differs between two stamps, for an error message; null when nothing does.</summary>
    public static string? Difference(FileStamp before, FileStamp after)
    {
        var parts = new List<string>(4);
        if (before.Size != after.Size) parts.Add($"size {before.Size} -> {after.Size}");
        if (before.ModifiedNs != after.ModifiedNs) parts.Add($"modified {before.Modified:O} -> {after.Modified:O}");
        if (before.ChangedNs != after.ChangedNs) parts.Add("change time moved");
        if (before.Inode != after.Inode) parts.Add($"inode {before.Inode} -> {after.Inode} (replaced)");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>The portable stamp: size and modification time from the open file; no change time or inode.</summary>
    public static FileStamp Of(Microsoft.Win32.SafeHandles.SafeFileHandle file) =>
        new(RandomAccess.GetLength(file), (File.GetLastWriteTimeUtc(file).Ticks - DateTime.UnixEpoch.Ticks) * 100, 0, 0);

    /// <summary>The portable stamp of a path; null when nothing is there any more.</summary>
    public static FileStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, (info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100, 0, 0) : null;
    }
}
