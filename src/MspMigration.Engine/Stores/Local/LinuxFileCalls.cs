using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// The local store's per-object file calls made straight to the C library on Linux (glibc).
/// .NET's own calls add system calls a staged copy has no use for: an advisory flock and its
/// release on every open, fstat, fcntl and lseek checks, an lstat before each rename — half the
/// calls of a small object. Elsewhere the store uses .NET's calls (<see cref="Available"/> is false).
/// </summary>
internal static partial class LinuxFileCalls
{
    private const string LibC = "libc.so.6";
    // The same values on x86-64 and arm64 Linux.
    private const int ReadOnly = 0x0, WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80, CloseOnExec = 0x80000;
    private const int CreateMode = 0x1B6; // 0666, less the umask, as .NET creates files
    private const long OmitTime = (1L << 30) - 2; // UTIME_OMIT: leave the access time as it is
    private const int ENOENT = 2, EPERM = 1, EACCES = 13, EROFS = 30;

    // statx came with glibc 2.28; an older C library lacks it, and then .NET's calls are used throughout.
    public static readonly bool Available = OperatingSystem.IsLinux() && NativeLibrary.TryLoad(LibC, out var libc)
        && new[] { "open", "rename", "futimens", "pread", "pwrite", "statx", "fdatasync", "fsync" }.All(name => NativeLibrary.TryGetExport(libc, name, out _));

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenCall(string path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameCall(string from, string to);

    [LibraryImport(LibC, EntryPoint = "futimens", SetLastError = true)]
    private static partial int FutimensCall(SafeFileHandle file, ReadOnlySpan<TimeSpec> times);

    [LibraryImport(LibC, EntryPoint = "pread", SetLastError = true)]
    private static partial nint PreadCall(SafeFileHandle file, Span<byte> buffer, nuint count, long offset);

    [LibraryImport(LibC, EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PwriteCall(SafeFileHandle file, ReadOnlySpan<byte> buffer, nuint count, long offset);

    [LibraryImport(LibC, EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdatasyncCall(SafeFileHandle file);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncCall(SafeFileHandle file);

    /// <summary>Puts a written file's data (and its size) on disk: fdatasync(2).</summary>
    public static void FlushData(SafeFileHandle file, string path)
    {
        while (FdatasyncCall(file) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Failure(errno, "Flushing", path);
        }
    }

    /// <summary>Puts a folder's entries (files renamed into it, folders made in it) on disk: fsync(2) of the folder.</summary>
    public static void FlushFolder(string path)
    {
        using var folder = Open(path, ReadOnly | CloseOnExec);
        while (FsyncCall(folder) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Failure(errno, "Flushing the folder", path);
        }
    }

    // statx(2) rather than fstat(2): its layout is the same on every architecture.
    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxCall(SafeFileHandle file, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxPathCall(int directory, string path, int flags, uint mask, Span<byte> buffer);

    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: the open file itself
    private const int WorkingDirectory = -100; // AT_FDCWD
    private const uint WantStamp = 0x1 | 0x40 | 0x80 | 0x100 | 0x200; // STATX_TYPE | MTIME | CTIME | INO | SIZE
    private const int ModeOffset = 28, InodeOffset = 32, SizeOffset = 40, ChangedOffset = 96, ModifiedOffset = 112; // in struct statx
    private const int EINTR = 4;

    /// <summary>Opens a regular file for reading; the stamp of the version about to be read, from the open file.</summary>
    public static SafeFileHandle OpenRead(string path, out FileStamp stamp)
    {
        var file = Open(path, ReadOnly | CloseOnExec);
        try
        {
            Span<byte> stat = stackalloc byte[256];
            if (StatxCall(file, "", EmptyPath, WantStamp, stat) != 0) throw Failure(Marshal.GetLastPInvokeError(), "Reading the size of", path);
            if ((MemoryMarshal.Read<ushort>(stat[ModeOffset..]) & 0xF000) != 0x8000) throw new IOException($"'{path}' is not a regular file.");
            stamp = ToStamp(stat);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The stamp of what the path names now (following links, as the open did); null when nothing is there.</summary>
    public static FileStamp? Stamp(string path)
    {
        Span<byte> stat = stackalloc byte[256];
        if (StatxPathCall(WorkingDirectory, path, 0, WantStamp, stat) == 0) return ToStamp(stat);
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT) return null;
        throw Failure(errno, "Reading the size of", path);
    }

    private static FileStamp ToStamp(ReadOnlySpan<byte> stat) => new(
        (long)MemoryMarshal.Read<ulong>(stat[SizeOffset..]),
        Nanoseconds(stat[ModifiedOffset..]),
        Nanoseconds(stat[ChangedOffset..]),
        MemoryMarshal.Read<ulong>(stat[InodeOffset..]));

    private static long Nanoseconds(ReadOnlySpan<byte> time) =>
        MemoryMarshal.Read<long>(time) * 1_000_000_000 + MemoryMarshal.Read<uint>(time[8..]);

    public static int Read(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        while (true)
        {
            var n = PreadCall(file, buffer, (nuint)buffer.Length, offset);
            if (n >= 0) return (int)n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Failure(errno, "Reading", path);
        }
    }

    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            var n = PwriteCall(file, buffer, (nuint)buffer.Length, offset);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                throw Failure(errno, "Writing", path);
            }
            buffer = buffer[(int)n..];
            offset += n;
        }
    }

    /// <summary>Creates a file that must not exist yet.</summary>
    public static SafeFileHandle CreateNew(string path) => Open(path, WriteOnly | Create | Exclusive | CloseOnExec);

    public static void SetModified(SafeFileHandle file, string path, DateTimeOffset time)
    {
        var seconds = Math.DivRem(time.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0) (seconds, rest) = (seconds - 1, rest + TimeSpan.TicksPerSecond); // before 1970
        ReadOnlySpan<TimeSpec> times =
        [
            new TimeSpec { Seconds = 0, Nanoseconds = OmitTime },
            new TimeSpec { Seconds = seconds, Nanoseconds = rest * 100 },
        ];
        if (FutimensCall(file, times) != 0) throw Failure(Marshal.GetLastPInvokeError(), "Setting the time of", path);
    }

    /// <summary>Moves a file into place, replacing what is there (rename(2), atomic).</summary>
    public static void Rename(string from, string to)
    {
        if (RenameCall(from, to) != 0) throw Failure(Marshal.GetLastPInvokeError(), "Moving a file to", to);
    }

    private static SafeFileHandle Open(string path, int flags)
    {
        var fd = OpenCall(path, flags, CreateMode);
        if (fd < 0) throw Failure(Marshal.GetLastPInvokeError(), "Opening", path);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The exception .NET's own calls throw for the same error, so callers handle both alike.</summary>
    private static Exception Failure(int errno, string what, string path)
    {
        var message = $"{what} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}.";
        return errno switch
        {
            ENOENT => new DirectoryNotFoundException(message),
            EPERM or EACCES or EROFS => new UnauthorizedAccessException(message),
            _ => new IOException(message, errno),
        };
    }
}
