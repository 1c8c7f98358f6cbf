using Prometheus;
using MspMigration.Engine.ControlPlane;

namespace MspMigration.Engine.Metrics;

/// <summary>One task's series of an agent's metrics, with the task label bound once.</summary>
public sealed class TaskMetrics
{
    private readonly AgentMetrics _agent;
    private readonly string _task;
    private readonly Counter.Child[] _objects, _bytes;
    private readonly Counter.Child _read;
    private readonly Gauge.Child _inFlight;

    internal TaskMetrics(AgentMetrics agent, string task)
    {
        _agent = agent;
        _task = task;
        _objects = [.. AgentMetrics.Outcomes.Select(o => agent.Objects.WithLabels(task, o))];
        _bytes = [.. AgentMetrics.Outcomes.Select(o => agent.Bytes.WithLabels(task, o))];
        _read = agent.ReadBytes.WithLabels(task);
        _inFlight = agent.InFlight.WithLabels(task);
        foreach (var layer in AgentMetrics.Layers)
            foreach (var reason in RetryReasons.All)
                agent.Retries.WithLabels(task, layer, reason);
        foreach (var limit in AgentMetrics.Limits)
        {
            agent.ThrottleWaits.WithLabels(task, limit);
            agent.ThrottleSeconds.WithLabels(task, limit);
        }
    }

    /// <param name="listedSize">The size the listing gave, counted for skipped and failed objects (nothing was written).</param>
    public void Recorded(ObjectOutcome outcome, long bytesWritten, long listedSize)
    {
        var i = outcome switch
        {
            ObjectOutcome.Succeeded => 0,
            ObjectOutcome.Skipped => 1,
            ObjectOutcome.Failed => 2,
            _ => -1,
        };
        if (i < 0) return;
        _objects[i].Inc();
        _bytes[i].Inc(outcome == ObjectOutcome.Succeeded ? bytesWritten : Math.Max(0, listedSize));
    }

    public void BytesRead(long count) => _read.Inc(count);
    public void ObjectStarted() => _inFlight.Inc();
    public void ObjectEnded() => _inFlight.Dec();

    /// <param name="layer">"request" (the S3 adapter sends one request again) or "object" (the copier starts the object again).</param>
    public void Retried(string layer, Exception cause) => _agent.Retries.WithLabels(_task, layer, RetryReasons.Of(cause)).Inc();

    /// <param name="limit">"qps" or "bandwidth".</param>
    public void Throttled(string limit, TimeSpan waited)
    {
        _agent.ThrottleWaits.WithLabels(_task, limit).Inc();
        _agent.ThrottleSeconds.WithLabels(_task, limit).Inc(waited.TotalSeconds);
    }
}
