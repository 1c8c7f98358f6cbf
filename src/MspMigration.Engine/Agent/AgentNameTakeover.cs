using MspMigration.Engine.Platform;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Leases are held under the agent's name, so a restarted agent first gives back what its
/// predecessor held, at once, when that predecessor no longer runs: under a supervisor that
/// restarts at once (systemd's Restart=always) waiting for the leases to expire would refuse
/// every restart until then. Two live agents with one name would steal each other's leases: refused.
/// </summary>
internal static class AgentNameTakeover
{
    public static async Task TakeOverAsync(IControlPlane store, AgentRegistration me, TimeSpan leaseDuration, CancellationToken ct)
    {
        var previous = (await store.ListAgentsAsync(leaseDuration, ct).ConfigureAwait(false))
            .FirstOrDefault(a => a.Name == me.Name);
        if (previous is null) return;
        if (previous.IsAlive && !IsGone(previous, me))
            throw new MigrationException("AgentNameInUse", MigrationErrorKind.ResourceExists,
                $"Agent name '{me.Name}' is in use by a live agent (process {previous.ProcessId} on {previous.HostName}); give each agent its own name.", me.Name);
        await store.ReleaseAgentAsync(me.Name, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the predecessor is this very process or one on this host that no longer runs.
    /// An agent on another host cannot be checked from here: it counts as live until its lease lapses.
    /// </summary>
    internal static bool IsGone(AgentInfo previous, AgentRegistration me)
    {
        if (!string.Equals(previous.HostName, me.HostName, StringComparison.OrdinalIgnoreCase)) return false;
        if (previous.BootId is { } boot && me.BootId is { } mine && !string.Equals(boot, mine, StringComparison.OrdinalIgnoreCase)) return true;
        if (previous.ProcessId == me.ProcessId) return true; // this process, or a dead one whose pid it now has
        return !ProcessIdentity.IsRunning(previous.ProcessId, previous.ProcessStart, previous.BootId);
    }
}
