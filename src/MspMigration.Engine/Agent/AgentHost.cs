using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Engine.Agent;

/// <summary>
/// One agent: heartbeats, lists the tasks it is master of, claims segments under lease and
/// copies their objects with a fixed number of workers. Runs until cancelled, or with
/// <see cref="AgentRunOptions.ExitWhenIdle"/> until no task is left to work on.
/// </summary>
public sealed class AgentHost
{
    private readonly AgentConfig _config;
    private readonly ITaskStore _store;
    private readonly IAgentObserver _observer;
    private readonly Dictionary<long, TaskRuntime> _runtimes = new();
    private readonly Dictionary<long, Task> _listings = new();
    private readonly Dictionary<long, DateTimeOffset> _lastListingAttempt = new();
    private readonly HashSet<long> _finishedNotified = new();
    // Tasks this agent cannot open (a profile it lacks): left to others, warned about once.
    private readonly Dictionary<long, string> _notWorkableHere = new();
    private readonly HashSet<long> _failureWarned = new();
    private readonly WarningGate _warnings;
    private readonly object _gate = new();
    // Wakes the feed loop as soon as there may be new work (a segment stored or finished),
    // rather than after its poll delay: that delay used to idle the agent at start and end.
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly HeldSegments _held = new();
    private readonly RunTally _tally = new();
    private long _succeeded, _skipped, _failed, _bytes, _segmentsDone;
    private int _segmentsInFlight;
    private bool _reportTaskProgress;

    public AgentHost(AgentConfig config, ITaskStore store, IAgentObserver observer)
    {
        _config = config;
        _store = store;
        _observer = observer;
        _warnings = new WarningGate(observer);
    }

    public async Task<AgentRunSummary> RunAsync(AgentRunOptions options, CancellationToken cancellationToken)
    {
        var name = options.AgentName ?? _config.AgentName;
        var concurrency = options.Concurrency ?? _config.Concurrency;
        var registration = new AgentRegistration(name, _config.Address ?? GuessAddress(), Environment.MachineName,
            Environment.ProcessId, DateTimeOffset.UtcNow)
        {
            ProcessStart = ProcessIdentity.StartTime(Environment.ProcessId),
            BootId = ProcessIdentity.BootId(),
        };
        var clock = Stopwatch.StartNew();
        EnsureWorkerThreads(concurrency);
        _reportTaskProgress = options.TaskProgressInterval is not null;
        await AgentNameTakeover.TakeOverAsync(_store, registration, _config.LeaseDuration, cancellationToken).ConfigureAwait(false);
        await _store.HeartbeatAsync(registration, _config.LeaseDuration, cancellationToken).ConfigureAwait(false);
        foreach (var warning in _config.Warnings) _observer.Warning(warning);
        _observer.Info($"Agent '{name}' started ({concurrency} workers, control plane {_store.Description}).");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatLoopAsync(registration, clock, options.TaskProgressInterval, stop.Token);
        using var queue = new WorkQueue(lowWater: concurrency);
        await using var journal = new JournalWriter(_store);
        using var transferLog = new TransferLog(_config.TransferLog);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkerLoopAsync(queue, journal, transferLog, name, stop.Token)))
            .ToArray();
        var listing = new ListingRole(_store, name, _config, options, _observer, Wake);
        var cancelled = false;
        try
        {
            await FeedLoopAsync(options, name, listing, queue, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        finally
        {
            queue.Complete();
            if (cancelled) await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(heartbeat).ConfigureAwait(false);
            Task[] listings;
            lock (_gate) listings = [.. _listings.Values];
            await IgnoreCancellation(Task.WhenAll(listings)).ConfigureAwait(false);
            await journal.DisposeAsync().ConfigureAwait(false);
            // Give back whatever is still leased so others need not wait for the lease to expire.
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _store.ReleaseAgentAsync(name, release.Token).ConfigureAwait(false); }
            catch (Exception e) { _observer.Warning($"Releasing the leases of agent '{name}' failed: {SecretRedactor.Redact(e.Message)}"); }
            foreach (var runtime in _runtimes.Values) await runtime.DisposeAsync().ConfigureAwait(false);
            _runtimes.Clear();
        }
        _observer.Progress(Snapshot(clock));
        return new AgentRunSummary
        {
            AgentName = name,
            ObjectsSucceeded = Interlocked.Read(ref _succeeded),
            ObjectsSkipped = Interlocked.Read(ref _skipped),
            ObjectsFailed = Interlocked.Read(ref _failed),
            BytesTransferred = _tally.VerifiedBytes,
            SegmentsCompleted = (int)Interlocked.Read(ref _segmentsDone),
            Elapsed = clock.Elapsed,
            Cancelled = cancelled,
            Tasks = _tally.ByTask(),
        };
    }

    private async Task FeedLoopAsync(AgentRunOptions options, string name, ListingRole listing, WorkQueue queue, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var tasks = (await _store.ListTasksAsync(ct).ConfigureAwait(false))
                .Where(t => t.State is MigrationTaskState.Pending or MigrationTaskState.Running)
                .Where(t => options.TaskNames.Count == 0 || options.TaskNames.Contains(t.Name, StringComparer.OrdinalIgnoreCase))
                .ToList();
            bool onlyOthers;
            lock (_gate) onlyOthers = tasks.All(t => _notWorkableHere.ContainsKey(t.Id));
            if (tasks.Count == 0 || (onlyOthers && options.ExitWhenIdle))
            {
                if (options.ExitWhenIdle) return;
                await Task.Delay(_config.PollInterval, ct).ConfigureAwait(false);
                continue;
            }
            var claimedAny = false;
            foreach (var task in tasks)
            {
                var runtime = await GetRuntimeAsync(task, ct).ConfigureAwait(false);
                if (runtime is null) continue;
                if (!runtime.IsWorkable()) continue; // outside its daily window
                await StartListingIfDueAsync(runtime, name, listing, ct).ConfigureAwait(false);
                await queue.WaitForRoomAsync(ct).ConfigureAwait(false);
                var claim = await _held.ClaimAsync(() => _store.ClaimSegmentAsync(task.Id, name, _config.LeaseDuration, ct), ct).ConfigureAwait(false);
                if (claim is null)
                {
                    await FinishTaskIfDoneAsync(runtime, ct).ConfigureAwait(false);
                    continue;
                }
                claimedAny = true;
                var pending = await _store.GetPendingObjectsAsync(claim, ct).ConfigureAwait(false);
                if (pending.Count == 0)
                {
                    try { await _store.CompleteSegmentAsync(claim.SegmentId, name, ct).ConfigureAwait(false); }
                    finally { _held.Done(claim.SegmentId); }
                    continue;
                }
                var existing = await LoadDestinationIndexAsync(runtime, claim, pending.Count, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _segmentsInFlight);
                var tracker = new SegmentTracker(claim, runtime, pending.Count);
                foreach (var item in pending)
                {
                    var destination = existing is null ? DestinationState.Unknown
                        : new DestinationState(true, existing.GetValueOrDefault(item.Key));
                    queue.Add(new WorkItem(tracker, item, destination));
                }
            }
            if (!claimedAny)
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(500, _config.PollInterval.TotalMilliseconds)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// For every policy but Overwrite, one listing of the segment's key range at the destination
    /// replaces a HEAD per object; null (HEAD each) when the destination is much denser there.
    /// </summary>
    private async Task<Dictionary<string, ObjectInfo>?> LoadDestinationIndexAsync(TaskRuntime runtime, SegmentClaim claim, int count, CancellationToken ct)
    {
        if (runtime.Task.SameNamePolicy == SameNamePolicy.Overwrite) return null;
        try
        {
            return await DestinationIndex.TryLoadAsync(runtime.Destination, claim.StartAfter, claim.LastKey, count, ct).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            _warnings.Warn($"index:{runtime.Task.Id}", $"Listing the destination of task '{runtime.Task.Name}' failed ({e.Message}); checking objects one by one.");
            return null;
        }
    }

    /// <summary>
    /// Reads task settings on its own clock: the feed loop may wait a long time on a full queue,
    /// and a pause, a removal or a new limit must not wait with it.
    /// </summary>
    private async Task RefreshSettingsAsync(CancellationToken ct)
    {
        try
        {
            var all = await _store.ListTasksAsync(ct).ConfigureAwait(false);
            List<TaskRuntime> runtimes;
            lock (_gate) runtimes = [.. _runtimes.Values];
            foreach (var runtime in runtimes)
            {
                var fresh = all.FirstOrDefault(t => t.Id == runtime.Task.Id);
                if (fresh is null)
                {
                    runtime.Removed = true;
                    continue;
                }
                // Limits are for the whole cluster: each agent working on the task takes an equal share.
                runtime.Share = await _store.CountWorkingAgentsAsync(fresh.Id, _config.LeaseDuration, ct).ConfigureAwait(false);
                runtime.Task = fresh;
                runtime.Limiter.Update(fresh.QpsLimit, fresh.BandwidthLimit, runtime.Share);
            }
            _warnings.Clear("settings");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _warnings.Warn("settings", $"Reading task settings failed: {SecretRedactor.Redact(e.Message)}");
        }
    }

    private async Task WorkerLoopAsync(WorkQueue queue, JournalWriter journal, TransferLog transferLog, string name, CancellationToken ct)
    {
        try
        {
            await foreach (var item in queue.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var runtime = item.Segment.Runtime;
                if (!runtime.IsWorkable())
                {
                    // Paused, removed or outside its window: left pending, and the segment is handed back.
                    await SegmentObjectDoneAsync(item, name).ConfigureAwait(false);
                    continue;
                }
                ObjectOutcomeRecord outcome;
                try
                {
                    outcome = await runtime.Copier.CopyAsync(item.Object, runtime.Task.SameNamePolicy, item.Destination, ct).ConfigureAwait(false);
                }
                catch (StoreException e) when (e.StoreWide && !ct.IsCancellationRequested)
                {
                    // The store, not the object, failed: the object stays pending.
                    if (e.IsTransient) await StoreTroubleAsync(runtime, "Copying", e).ConfigureAwait(false);
                    else await FailTaskAsync(runtime, SecretRedactor.Redact($"Copying failed: {e.Message}")).ConfigureAwait(false);
                    await SegmentObjectDoneAsync(item, name).ConfigureAwait(false);
                    continue;
                }
                if (outcome.Outcome != ObjectOutcome.Failed) runtime.Trouble.Clear();
                if (outcome.Outcome == ObjectOutcome.Succeeded)
                    transferLog.Written(name, runtime.Task.Name, outcome.Key, outcome.Bytes, outcome.Crc64 ?? 0);
                try
                {
                    await journal.RecordAsync(outcome).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Left pending: the segment is released below and copied again later.
                    _observer.Warning($"Recording '{Printable.Key(outcome.Key)}' failed: {SecretRedactor.Redact(e.Message)}");
                }
                Count(runtime.Task.Name, outcome);
                if (outcome.Outcome == ObjectOutcome.Failed) ReportFailure(runtime.Task, outcome);
                await SegmentObjectDoneAsync(item, name).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: objects not recorded stay pending and their segments are released.
        }
    }

    /// <summary>
    /// Each failed object is told as information; the operator is warned once per task, and the
    /// task's end says how many failed (a warning per object buries everything else).
    /// </summary>
    private void ReportFailure(MigrationTask task, ObjectOutcomeRecord outcome)
    {
        var line = $"Task '{task.Name}': '{Printable.Key(outcome.Key)}' failed: {outcome.Error}";
        _observer.Info(line);
        bool first;
        lock (_gate) first = _failureWarned.Add(task.Id);
        if (first) _observer.Warning($"{line} (further failures of this task are reported as information only)");
    }

    private async Task SegmentObjectDoneAsync(WorkItem item, string name)
    {
        if (!item.Segment.ObjectDone()) return;
        Interlocked.Decrement(ref _segmentsInFlight);
        try { await _store.CompleteSegmentAsync(item.Segment.Claim.SegmentId, name, CancellationToken.None).ConfigureAwait(false); }
        finally { _held.Done(item.Segment.Claim.SegmentId); }
        Interlocked.Increment(ref _segmentsDone);
        await FinishTaskIfDoneAsync(item.Segment.Runtime, CancellationToken.None).ConfigureAwait(false);
        Wake();
    }

    /// <summary>
    /// Workers make short blocking file-system calls (open, rename, mkdir) on pool threads. With
    /// the default minimum (one thread per core) the pool adds threads only slowly once they
    /// block, and copies queue behind each other; so the minimum is raised (never lowered) to
    /// one thread per worker plus a few for the journal, heartbeat and feed loops.
    /// </summary>
    private static void EnsureWorkerThreads(int concurrency)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < concurrency + 4) ThreadPool.SetMinThreads(concurrency + 4, io);
    }

    private void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    private void Count(string taskName, ObjectOutcomeRecord outcome)
    {
        _tally.Add(taskName, outcome);
        switch (outcome.Outcome)
        {
            case ObjectOutcome.Succeeded:
                Interlocked.Increment(ref _succeeded);
                break;
            case ObjectOutcome.Skipped:
                Interlocked.Increment(ref _skipped);
                break;
            case ObjectOutcome.Failed:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    private async Task<TaskRuntime?> GetRuntimeAsync(MigrationTask task, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_runtimes.TryGetValue(task.Id, out var existing)) return existing;
            if (_notWorkableHere.ContainsKey(task.Id)) return null;
        }
        try
        {
            var runtime = TaskRuntime.Open(task, _config, n => Interlocked.Add(ref _bytes, n));
            // Limits hold from the first object; later changes arrive through RefreshSettingsAsync.
            runtime.Limiter.Update(task.QpsLimit, task.BandwidthLimit, runtime.Share);
            lock (_gate) _runtimes[task.Id] = runtime;
            // A bar for the task appears as the agent takes it up, not a tick later.
            if (_reportTaskProgress) await ReportTaskProgressAsync([task.Id], ct).ConfigureAwait(false);
            return runtime;
        }
        catch (MigrationException e) when (IsThisAgentsLack(e))
        {
            // This agent cannot serve the task (a profile it lacks, a store this build cannot
            // open): say so once and leave the task to agents that can, rather than failing it
            // for everyone. agent.toml is read at start, so this holds for the whole run.
            var reason = SecretRedactor.Redact(e.Message);
            lock (_gate) _notWorkableHere[task.Id] = reason;
            _observer.Warning($"This agent cannot work on task '{task.Name}' and leaves it to others: {reason}");
            _observer.TaskNotWorkable(task, reason);
            return null;
        }
        catch (MigrationException e)
        {
            // Wrong for every agent (e.g. the source and destination now overlap): fail the task.
            var reason = SecretRedactor.Redact($"The task cannot be opened: {e.Message}");
            await _store.FailTaskAsync(task.Id, reason, CancellationToken.None).ConfigureAwait(false);
            await NotifyFinishedAsync(task, MigrationTaskState.Failed).ConfigureAwait(false);
            return null;
        }
    }

    private async Task StartListingIfDueAsync(TaskRuntime runtime, string name, ListingRole listing, CancellationToken ct)
    {
        var task = runtime.Task;
        lock (_gate)
        {
            if (_listings.TryGetValue(task.Id, out var running) && !running.IsCompleted) return;
            if (_lastListingAttempt.TryGetValue(task.Id, out var last) && DateTimeOffset.UtcNow - last < _config.PollInterval) return;
            _lastListingAttempt[task.Id] = DateTimeOffset.UtcNow;
        }
        if (!await IsMasterAsync(task, name, ct).ConfigureAwait(false)) return;
        var job = Task.Run(async () =>
        {
            try
            {
                if (await listing.RunAsync(runtime, runtime.IsWorkable, ct).ConfigureAwait(false))
                    await FinishTaskIfDoneAsync(runtime, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (LeaseLostException e) { _observer.Warning(e.Message); }
            catch (StoreException e) when (e.IsTransient)
            {
                await StoreTroubleAsync(runtime, "Listing the source", e).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StoreException or MigrationException)
            {
                await FailTaskAsync(runtime, SecretRedactor.Redact($"Listing the source failed: {e.Message}")).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _warnings.Warn($"listing:{task.Id}", $"Task '{task.Name}': listing stopped: {SecretRedactor.Redact(e.Message)}");
            }
        }, CancellationToken.None);
        lock (_gate) _listings[task.Id] = job;
    }

    /// <summary>The named master lists; another agent takes over only when the master is not alive.</summary>
    private async Task<bool> IsMasterAsync(MigrationTask task, string name, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(task.MasterAgent)) return true;
        if (string.Equals(task.MasterAgent, name, StringComparison.OrdinalIgnoreCase)) return true;
        if (_config.Address is { } address && string.Equals(task.MasterAgent, address, StringComparison.OrdinalIgnoreCase)) return true;
        if (DateTimeOffset.UtcNow - task.CreatedAt < _config.LeaseDuration) return false;
        var agents = await _store.ListAgentsAsync(_config.LeaseDuration, ct).ConfigureAwait(false);
        return !agents.Any(a => a.IsAlive && (string.Equals(a.Name, task.MasterAgent, StringComparison.OrdinalIgnoreCase)
            || string.Equals(a.Address, task.MasterAgent, StringComparison.OrdinalIgnoreCase)));
    }

    private async Task FinishTaskIfDoneAsync(TaskRuntime runtime, CancellationToken ct)
    {
        var state = await _store.TryFinishTaskAsync(runtime.Task.Id, ct).ConfigureAwait(false);
        if (state is MigrationTaskState.Completed or MigrationTaskState.CompletedWithFailures or MigrationTaskState.Failed)
            await NotifyFinishedAsync(runtime.Task, state).ConfigureAwait(false);
    }

    private static bool IsThisAgentsLack(MigrationException e) => e.ErrorId is "ProfileNotFound" or "StoreSchemeNotSupported";

    /// <summary>
    /// A store failed as a whole with a transient cause: the task waits and tries again, and
    /// fails once the store has failed for give_up_seconds. The operator hears of each new cause once.
    /// </summary>
    private async Task StoreTroubleAsync(TaskRuntime runtime, string what, StoreException e)
    {
        var task = runtime.Task;
        var cause = SecretRedactor.Redact(e.Message);
        switch (runtime.Trouble.Record(cause))
        {
            case TroubleVerdict.GiveUp:
                await FailTaskAsync(runtime, $"{what} failed: {cause} Still failing after {runtime.Trouble.Failures} attempts " +
                    $"over {runtime.Trouble.FailingFor.TotalSeconds:N0} s (give_up_seconds is {_config.GiveUpAfter.TotalSeconds:N0}).").ConfigureAwait(false);
                break;
            case TroubleVerdict.RetryNewCause:
                _observer.Warning($"Task '{task.Name}': {what} failed: {cause} Retrying for up to {_config.GiveUpAfter.TotalSeconds:N0} s.");
                break;
            default:
                _observer.Info($"Task '{task.Name}': {what} failed again ({runtime.Trouble.Failures} attempts): {cause}");
                break;
        }
    }

    private async Task FailTaskAsync(TaskRuntime runtime, string reason)
    {
        if (runtime.Ended) return;
        runtime.Ended = true;
        await _store.FailTaskAsync(runtime.Task.Id, reason, CancellationToken.None).ConfigureAwait(false);
        await NotifyFinishedAsync(runtime.Task, MigrationTaskState.Failed).ConfigureAwait(false);
    }

    private async Task NotifyFinishedAsync(MigrationTask task, MigrationTaskState state)
    {
        lock (_gate)
            if (!_finishedNotified.Add(task.Id)) return;
        MigrationStatus status;
        try
        {
            status = await _store.GetStatusAsync(task.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = new MigrationStatus { TaskName = task.Name, State = state }; // the control plane is busy: the state is known
        }
        _observer.TaskFinished(status);
    }

    private async Task HeartbeatLoopAsync(AgentRegistration registration, Stopwatch clock, TimeSpan? taskProgressInterval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = Stopwatch.StartNew();
        Stopwatch? lastTaskProgress = null;
        var settings = Stopwatch.StartNew();
        var previous = Snapshot(clock);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = Snapshot(clock);
            _observer.Progress(now);
            // The first tick reports at once: a bar should appear within a second, not an interval.
            if (taskProgressInterval is { } interval && (lastTaskProgress is null || lastTaskProgress.Elapsed >= interval))
            {
                lastTaskProgress = Stopwatch.StartNew();
                await ReportTaskProgressAsync(null, ct).ConfigureAwait(false);
            }
            if (settings.Elapsed >= _config.PollInterval)
            {
                settings.Restart();
                await RefreshSettingsAsync(ct).ConfigureAwait(false);
            }
            if (last.Elapsed < _config.HeartbeatInterval) continue;
            // Throughput over the last heartbeat interval: what Get-MigrationAgent shows as recent.
            var seconds = Math.Max(last.Elapsed.TotalSeconds, 0.001);
            var beat = registration with
            {
                ObjectsPerSecond = (now.ObjectsDone - previous.ObjectsDone) / seconds,
                BytesPerSecond = (now.BytesTransferred - previous.BytesTransferred) / seconds,
            };
            previous = now;
            last.Restart();
            try
            {
                // Leases of segments nobody here works on (a lost claim reply) go back rather than being renewed.
                if (await _held.ReleaseOthersAsync(_store, registration.Name, ct).ConfigureAwait(false) is > 0 and var released)
                    _observer.Warning($"Gave back {released} segment(s) leased to agent '{registration.Name}' that it was not working on.");
                await _store.HeartbeatAsync(beat, _config.LeaseDuration, ct).ConfigureAwait(false);
                _warnings.Clear("heartbeat");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _warnings.Warn("heartbeat", $"Heartbeat failed: {SecretRedactor.Redact(e.Message)}");
            }
        }
    }

    private async Task ReportTaskProgressAsync(IReadOnlyList<long>? taskIds, CancellationToken ct)
    {
        long[] ids;
        lock (_gate) ids = [.. (taskIds ?? (IEnumerable<long>)_runtimes.Keys).Where(id => !_finishedNotified.Contains(id))];
        foreach (var id in ids)
        {
            try
            {
                _observer.TaskProgress(await _store.GetStatusAsync(id, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Progress is a courtesy: a busy or briefly unreachable control plane must not stop the agent.
            }
        }
    }

    private AgentProgress Snapshot(Stopwatch clock) => new(
        Interlocked.Read(ref _succeeded) + Interlocked.Read(ref _skipped) + Interlocked.Read(ref _failed),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _bytes), clock.Elapsed, Volatile.Read(ref _segmentsInFlight));

    private static async Task IgnoreCancellation(Task task)
    {
        try { await task.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
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
