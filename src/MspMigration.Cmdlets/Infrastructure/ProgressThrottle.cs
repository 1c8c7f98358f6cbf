using System.Diagnostics;
using System.Management.Automation;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>Drops progress records that come faster than a host can usefully draw them.</summary>
internal sealed class ProgressThrottle(TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _last;

    public bool ShouldWrite(ProgressRecord record)
    {
        if (record.RecordType == ProgressRecordType.Completed) return true;
        var now = _clock.Elapsed;
        if (_last is { } last && now - last < interval) return false;
        _last = now;
        return true;
    }
}
