using MspMigration.Engine.Platform;
using System.Diagnostics;
using MspMigration.Engine.Agent;

namespace MspMigration.Tests.Unit.Platform;

/// <summary>Whether a registered agent's process still runs: a pid alone cannot say.</summary>
public sealed class ProcessIdentityTests
{
    private static readonly int Me = Environment.ProcessId;

    [Fact]
    public void This_process_runs_with_its_own_start_time_and_boot()
    {
        Assert.True(ProcessIdentity.IsRunning(Me, ProcessIdentity.StartTime(Me), ProcessIdentity.BootId()));
        Assert.True(ProcessIdentity.IsRunning(Me, null, null));
    }

    [Fact]
    public void A_pid_that_started_at_another_time_is_another_process()
    {
        var start = ProcessIdentity.StartTime(Me);
        Assert.NotNull(start);
        Assert.False(ProcessIdentity.IsRunning(Me, start + 1, null));
    }

    [Fact]
    public void A_process_of_another_boot_does_not_run()
    {
        if (ProcessIdentity.BootId() is null) return; // not Linux: no boot id to compare
        Assert.False(ProcessIdentity.IsRunning(Me, ProcessIdentity.StartTime(Me), "00000000-0000-0000-0000-000000000000"));
    }

    [Fact]
    public void A_pid_nobody_has_does_not_run()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.False(ProcessIdentity.IsRunning(p.Id, null, null));
    }

    [Fact]
    public void A_killed_process_not_yet_reaped_does_not_run()
    {
        if (!OperatingSystem.IsLinux()) return;
        // sh starts a child and becomes a sleep that never reaps it: once killed, the child is a zombie.
        using var parent = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 30 & exec sleep 30"]) { UseShellExecute = false })!;
        try
        {
            var children = "";
            for (var i = 0; i < 50 && children.Length == 0; i++, Thread.Sleep(20))
                children = File.ReadAllText($"/proc/{parent.Id}/task/{parent.Id}/children").Trim();
            var child = int.Parse(children.Split(' ')[0]);
            var start = ProcessIdentity.StartTime(child);
            Assert.True(ProcessIdentity.IsRunning(child, start, ProcessIdentity.BootId()));
            Process.GetProcessById(child).Kill();
            for (var i = 0; i < 50 && ProcessIdentity.IsRunning(child, start, null); i++) Thread.Sleep(20);
            Assert.True(File.Exists($"/proc/{child}/stat"), "the killed child is still there, a zombie");
            Assert.False(ProcessIdentity.IsRunning(child, start, ProcessIdentity.BootId()));
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
        }
    }
}
