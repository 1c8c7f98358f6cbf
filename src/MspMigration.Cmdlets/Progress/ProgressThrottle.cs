using System.Diagnostics;
using System.Management.Automation;

namespace MspMigration.Cmdlets.Progress;

/// <summary>
/// Drops progress records that come faster than a host can usefully draw them. Each activity
/// (the agent, each task) has its own clock, so one busy bar cannot starve the others.
/// </summary>
internal sealed class ProgressThrottle(TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, TimeSpan> _last = new();

    public bool ShouldWrite(ProgressRecord record)
    {
        if (record.RecordType == ProgressRecordType.Completed) return true;
        var now = _clock.Elapsed;
        lock (_last)
        {
            if (_last.TryGetValue(record.ActivityId, out var last) && now - last < interval) return false;
            _last[record.ActivityId] = now;
        }
        return true;
    }
}
