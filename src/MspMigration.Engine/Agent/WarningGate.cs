using MspMigration.Engine.Output;

namespace MspMigration.Engine.Agent;

/// <summary>
/// Lets a warning through once per cause: loops that run every second (polls, heartbeats,
/// retries) would otherwise repeat the same line until the operator stops reading them.
/// A topic says what the warning is about; a new message for it passes, the same one does not.
/// </summary>
internal sealed class WarningGate(IEngineOutput observer)
{
    private readonly Dictionary<string, string> _last = new(StringComparer.Ordinal);

    public void Warn(string topic, string message)
    {
        lock (_last)
        {
            if (_last.TryGetValue(topic, out var previous) && previous == message) return;
            _last[topic] = message;
        }
        observer.Warning(message);
    }

    /// <summary>The cause went away: the next failure on this topic is news again.</summary>
    public void Clear(string topic)
    {
        lock (_last) _last.Remove(topic);
    }
}
