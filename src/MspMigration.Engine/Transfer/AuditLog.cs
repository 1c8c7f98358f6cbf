using System.Text;

namespace MspMigration.Engine.Transfer;

/// <summary>
/// The optional audit file (agent.toml's transfer_log): one line per object written to the
/// destination, flushed to the operating system at once so that it survives the agent being
/// killed. A trail for people and tests to check from outside; the outcomes the migration runs on
/// go to the control plane through <see cref="Agent.OutcomeRecorder"/>.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly object _gate = new();

    public AuditLog(string? path)
    {
        if (path is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };
    }

    /// <summary>Tab-separated: time, agent, task, size, crc64, key (JSON-escaped so any key fits one line).</summary>
    public void Written(string agent, string task, string key, long size, ulong crc)
    {
        if (_writer is null) return;
        var line = $"{DateTimeOffset.UtcNow:O}\t{agent}\t{task}\t{size}\t{crc}\t{System.Text.Json.JsonSerializer.Serialize(key)}";
        lock (_gate) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate) _writer?.Dispose();
    }
}
