using System.Diagnostics;

namespace MspMigration.Engine.Platform;

/// <summary>
/// Which process an agent is, beyond its pid: the process's start time and the host's boot id.
/// A pid alone cannot tell a dead agent from a live one: a killed process whose parent has not
/// reaped it yet (a zombie) still answers to its pid, and a pid can be reused by another process.
/// </summary>
internal static class ProcessIdentity
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>The host's boot id (Linux); null elsewhere.</summary>
    public static string? BootId()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try { return File.ReadAllText(BootIdPath).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// When the process started, as a number only compared on the same host: clock ticks since
    /// boot on Linux (/proc/pid/stat, exact), Unix milliseconds elsewhere; null if unknown.
    /// </summary>
    public static long? StartTime(int processId) =>
        OperatingSystem.IsLinux() ? ReadStat(processId)?.Start : PortableStart(processId);

    /// <summary>
    /// Whether the process that registered as (pid, start time, boot id) still runs on this host.
    /// A different boot, no such pid, a zombie or another start time all mean it does not.
    /// </summary>
    public static bool IsRunning(int processId, long? startTime, string? bootId)
    {
        if (bootId is not null && BootId() is { } now && !string.Equals(bootId, now, StringComparison.OrdinalIgnoreCase)) return false;
        if (OperatingSystem.IsLinux())
        {
            if (ReadStat(processId) is not { } stat) return false;
            if (stat.State is 'Z' or 'X') return false; // dead, not yet reaped
            return startTime is null || startTime == stat.Start;
        }
        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited) return false;
            return startTime is null || startTime == PortableStart(processId);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process
        }
    }

    /// <summary>State and start time (field 22) of /proc/pid/stat; null when there is no such process.</summary>
    private static (char State, long Start)? ReadStat(int processId)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{processId}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last one.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return rest.Length > 19 && long.TryParse(rest[19], out var start) ? (rest[0][0], start) : null;
    }

    private static long? PortableStart(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
