using MspMigration.Engine.Platform;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>Who an agent is: its name, address and process, registered before it takes any work.</summary>
internal static class AgentIdentity
{
    /// <summary>The name an agent runs under: the one asked for, else agent.toml's (the host name by default).</summary>
    public static string NameFor(string? requested, AgentConfig config) => requested ?? config.AgentName;

    /// <summary>Takes the name over from a dead predecessor (or refuses a live one) and sends the first heartbeat.</summary>
    public static async Task<AgentRegistration> RegisterAsync(string name, AgentConfig config, IControlPlane store, CancellationToken ct)
    {
        var me = new AgentRegistration(name, config.Address ?? GuessAddress(), Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow)
        {
            ProcessStart = ProcessIdentity.StartTime(Environment.ProcessId),
            BootId = ProcessIdentity.BootId(),
        };
        await AgentNameTakeover.TakeOverAsync(store, me, config.LeaseDuration, ct).ConfigureAwait(false);
        await store.HeartbeatAsync(me, config.LeaseDuration, ct).ConfigureAwait(false);
        return me;
    }

    /// <summary>The first non-loopback IPv4 address: what MSP calls the agent's private IP.</summary>
    private static string? GuessAddress()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }
}
