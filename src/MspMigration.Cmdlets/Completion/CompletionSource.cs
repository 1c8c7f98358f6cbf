using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MspMigration.Cmdlets.Completion;

/// <summary>
/// Names for tab completion, read from the control plane that the command line's -ConfigPath
/// (or the default configuration) names. Never creates a control plane, never throws, and gives
/// up after a short time: a Tab press must not hang or print errors.
/// </summary>
internal static class CompletionSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<string> TaskNames(IDictionary fakeBoundParameters) =>
        Read(fakeBoundParameters, async (service, ct) => (await service.ListTasksAsync(ct).ConfigureAwait(false)).Select(t => t.Name));

    /// <summary>Agent names and, when <paramref name="withAddresses"/>, their private addresses (a master may be named by either).</summary>
    public static IReadOnlyList<string> AgentNames(IDictionary fakeBoundParameters, bool withAddresses = false) =>
        Read(fakeBoundParameters, async (service, ct) =>
        {
            var agents = await service.ListAgentsAsync(ct).ConfigureAwait(false);
            var names = agents.Select(a => a.Name);
            return withAddresses ? names.Concat(agents.Select(a => a.Address).OfType<string>()) : names;
        });

    private static IReadOnlyList<string> Read(IDictionary fakeBoundParameters,
        Func<Engine.Facade.MigrationService, CancellationToken, Task<IEnumerable<string>>> read)
    {
        try
        {
            var configPath = ConfigPath(fakeBoundParameters);
            using var timeout = new CancellationTokenSource(Timeout);
            return Task.Run(async () =>
            {
                using var service = await Engine.Facade.MigrationService.OpenExistingAsync(configPath, timeout.Token).ConfigureAwait(false);
                if (service is null) return [];
                return (await read(service, timeout.Token).ConfigureAwait(false))
                    .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
            }, timeout.Token).WaitAsync(Timeout).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Completion is best effort: no configuration, an unreachable control plane or a
            // timeout simply offers nothing.
            return [];
        }
    }

    // -ConfigPath as typed on the command line, relative to the PowerShell location.
    private static string? ConfigPath(IDictionary fakeBoundParameters)
    {
        if (fakeBoundParameters["ConfigPath"] is not { } raw) return null;
        var path = (raw is PSObject ps ? ps.BaseObject : raw).ToString();
        if (string.IsNullOrWhiteSpace(path)) return null;
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(path, CurrentLocation() ?? Environment.CurrentDirectory);
    }

    // The session is busy running TabExpansion2, so its SessionStateProxy refuses; a nested
    // command on the same runspace may ask.
    private static string? CurrentLocation()
    {
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        var result = ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem").Invoke();
        return result.Count > 0 && result[0].BaseObject is PathInfo info ? info.ProviderPath : null;
    }
}
