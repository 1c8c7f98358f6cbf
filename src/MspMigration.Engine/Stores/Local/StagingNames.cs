using MspMigration.Engine.Platform;
using System.Diagnostics;

namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// Staged files, in the shard folders of the staging folder, are named host.pid.guid, so that
/// the files of a process that died mid-write (SIGKILL, power loss) can be told from those of
/// live writers, on this machine or another sharing the directory, and removed.
/// </summary>
internal static class StagingNames
{
    private static readonly string Host = new(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
    private static readonly string Prefix = $"{Host}.{Environment.ProcessId}.";

    public static string NewName() => Prefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Staging is spread over this many folders: creating a file locks its folder, so one folder
    /// shared by every worker was the busiest lock of a small-object copy.
    /// </summary>
    public const int Shards = 16;

    private static readonly string[] ShardNames = [.. Enumerable.Range(0, Shards).Select(n => n.ToString("x", System.Globalization.CultureInfo.InvariantCulture))];

    public static string Shard(int n) => ShardNames[(uint)n % Shards];

    /// <summary>Deletes staged files left by dead processes of this host; others are left alone.</summary>
    public static void SweepOrphans(string staging)
    {
        string[] files;
        try { files = Directory.GetFiles(staging, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 }); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in files)
        {
            var parts = Path.GetFileName(file).Split('.');
            if (parts.Length != 3 || parts[0] != Host || !int.TryParse(parts[1], out var pid) || IsAlive(pid)) continue;
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    // A killed writer's pid can linger as a zombie, or come back as another process: the same
    // test an agent uses for its predecessor (/proc state and start time) says whether it runs.
    private static bool IsAlive(int pid) => pid == Environment.ProcessId || ProcessIdentity.IsRunning(pid, null, null);
}
