using System.Collections.Concurrent;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Agent;

/// <summary>
/// An agent run's recorded outcomes by task, for its summary. Bytes count when an object
/// succeeded (verified), so the summary agrees with the tasks' status; the live rate of the
/// progress bar counts bytes as they are read and is kept elsewhere.
/// </summary>
internal sealed class RunTally
{
    private readonly ConcurrentDictionary<string, Counts> _tasks = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Counts
    {
        public long Succeeded, Skipped, Failed, Bytes;
    }

    public void Add(string taskName, ObjectOutcomeRecord outcome)
    {
        var counts = _tasks.GetOrAdd(taskName, _ => new Counts());
        switch (outcome.Outcome)
        {
            case ObjectOutcome.Succeeded:
                Interlocked.Increment(ref counts.Succeeded);
                Interlocked.Add(ref counts.Bytes, outcome.Bytes);
                break;
            case ObjectOutcome.Skipped:
                Interlocked.Increment(ref counts.Skipped);
                break;
            case ObjectOutcome.Failed:
                Interlocked.Increment(ref counts.Failed);
                break;
        }
    }

    public long VerifiedBytes => _tasks.Values.Sum(c => Interlocked.Read(ref c.Bytes));

    /// <summary>Objects recorded in this run, all tasks together.</summary>
    public (long Succeeded, long Skipped, long Failed) Totals()
    {
        long succeeded = 0, skipped = 0, failed = 0;
        foreach (var c in _tasks.Values)
        {
            succeeded += Interlocked.Read(ref c.Succeeded);
            skipped += Interlocked.Read(ref c.Skipped);
            failed += Interlocked.Read(ref c.Failed);
        }
        return (succeeded, skipped, failed);
    }

    public IReadOnlyList<AgentTaskSummary> ByTask() => _tasks
        .OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase)
        .Select(t => new AgentTaskSummary
        {
            TaskName = t.Key,
            Succeeded = Interlocked.Read(ref t.Value.Succeeded),
            Skipped = Interlocked.Read(ref t.Value.Skipped),
            Failed = Interlocked.Read(ref t.Value.Failed),
            BytesTransferred = Interlocked.Read(ref t.Value.Bytes),
        })
        .ToList();
}
