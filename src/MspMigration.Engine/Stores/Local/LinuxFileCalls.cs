using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// The local store's per-object file calls made straight to the C library on Linux (glibc).
/// .NET's own calls add system calls a staged copy has no use for: an advisory flock and its
/// release on every open, fstat checks, an lstat before each rename — a third of the calls per
/// small object. Elsewhere the store uses .NET's calls (<see cref="Available"/> is false).
/// </summary>
internal static partial class LinuxFileCalls
{
    private const string LibC = "libc.so.6";
    // The same values on x86-64 and arm64 Linux.
    private const int ReadOnly = 0x0, WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80, CloseOnExec = 0x80000;
    private const int CreateMode = 0x1B6; // 0666, less the umask, as .NET creates files
    private const long OmitTime = (1L << 30) - 2; // UTIME_OMIT: leave the access time as it is
    private const int ENOENT = 2, EPERM = 1, EACCES = 13, EROFS = 30;

    public static readonly bool Available = OperatingSystem.IsLinux() && NativeLibrary.TryLoad(LibC, out _);

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

    public static SafeFileHandle OpenRead(string path) => Open(path, ReadOnly | CloseOnExec);

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
