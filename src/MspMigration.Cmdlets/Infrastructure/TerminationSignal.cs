using System.Runtime.InteropServices;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// SIGTERM is how systemd, Kubernetes and CI runners stop a process: while registered, it
/// cancels the work as Ctrl+C does (leases given back, the agent marked stopped) instead of
/// killing the process with its leases still held.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    /// <summary>What a shell reports for a process ended by SIGTERM (128 + 15).</summary>
    public const int ExitCode = 143;

    private readonly PosixSignalRegistration? _registration;
    private volatile bool _received;

    public TerminationSignal(Action onSignal)
    {
        try
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true; // the process ends once the agent has stopped cleanly
                _received = true;
                onSignal();
            });
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGTERM here: Ctrl+C remains the way to stop.
        }
    }

    public bool Received => _received;

    public void Dispose() => _registration?.Dispose();
}
