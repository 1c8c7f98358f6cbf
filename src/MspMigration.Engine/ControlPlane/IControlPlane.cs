using MspMigration.Engine.Platform;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.ControlPlane;

/// <summary>What a new task says; validated by the engine before it reaches the store.</summary>
public sealed record TaskSpec(
    string Name,
    string Source,
    string? SourceProfile,
    string Destination,
    string? DestinationProfile,
    SameNamePolicy SameNamePolicy,
    string? MasterAgent,
    MigrationTaskSettings Options);

/// <summary>An agent as it announces itself with every heartbeat, with its recent throughput.</summary>
public sealed record AgentRegistration(string Name, string? Address, string HostName, int ProcessId, DateTimeOffset StartedAt)
{
    public double ObjectsPerSecond { get; init; }
    public double BytesPerSecond { get; init; }
    /// <summary>The process's start time as <c>ProcessIdentity</c> reads it; with the pid and boot id it names one process.</summary>
    public long? ProcessStart { get; init; }
    /// <summary>The host's boot id (Linux), so that a restarted host knows its agents' old processes are gone.</summary>
    public string? BootId { get; init; }
}

/// <summary>The right to list a task's source, and where the listing stopped last time.</summary>
public sealed record ListingLease(long TaskId, string? Cursor, long NextSegmentSeq);

/// <summary>A segment this agent holds under lease. <see cref="StartAfter"/> is the listing cursor before it.</summary>
public sealed record SegmentClaim(long SegmentId, long TaskId, string? StartAfter, string FirstKey, string LastKey);

/// <summary>One object of a segment still to be copied.</summary>
public sealed record PendingObject(long TaskId, long SegmentId, string Key, long Size, DateTimeOffset LastModified, string? ETag, ulong? SourceCrc64);

/// <summary>
/// The outcome of one object, as the worker records it. <see cref="Copied"/> is the source object
/// as it was read, so a secondary pass compares against what was really copied. <see cref="Reason"/>
/// goes with a failure.
/// </summary>
public sealed record ObjectOutcomeRecord(long TaskId, long SegmentId, string Key, ObjectOutcome Outcome, long Bytes, ulong? Crc64, int Attempts, string? Error,
    ObjectInfo? Copied = null, FailureReason? Reason = null);

/// <summary>
/// One object of the journal as a consistency check reads it: the source version last copied
/// (size, time, ETag), how it ended and the CRC-64 of the bytes written.
/// </summary>
public sealed record JournalEntry(string Key, long Size, DateTimeOffset LastModified, string? ETag, ObjectOutcome Outcome, ulong? Crc64, string? Error);

/// <summary>
/// The control plane: tasks, segments, the per-object journal, agents and leases.
/// Implementations must be safe for several agent processes at once and must never store secrets.
/// </summary>
public interface IControlPlane : IDisposable
{
    /// <summary>A description safe to print (no password).</summary>
    string Description { get; }

    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Creates a task; throws a MigrationException with ErrorId TaskAlreadyExists on a duplicate name.</summary>
    Task<MigrationTask> CreateTaskAsync(TaskSpec spec, CancellationToken cancellationToken);
    Task<MigrationTask?> GetTaskAsync(string name, CancellationToken cancellationToken);
    Task<MigrationTask?> GetTaskAsync(long id, CancellationToken cancellationToken);
    Task<IReadOnlyList<MigrationTask>> ListTasksAsync(CancellationToken cancellationToken);

    /// <summary>Registers or refreshes the agent and extends every lease it holds.</summary>
    Task HeartbeatAsync(AgentRegistration agent, TimeSpan leaseDuration, CancellationToken cancellationToken);
    /// <summary>Clean stop: marks the agent stopped and gives back its segments and listing leases.</summary>
    Task ReleaseAgentAsync(string agentName, CancellationToken cancellationToken);
    /// <summary>
    /// Gives back the segments the agent holds but is not working on (a claim whose reply was lost):
    /// every segment leased to it whose id is not in <paramref name="working"/>. Returns how many.
    /// </summary>
    Task<int> ReleaseSegmentsNotWorkedOnAsync(string agentName, IReadOnlyCollection<long> working, CancellationToken cancellationToken);
    /// <summary>Every agent ever seen, with its state, roles per unfinished task and recent throughput.</summary>
    Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(TimeSpan aliveWithin, CancellationToken cancellationToken);
    /// <summary>
    /// Live agents holding a lease (listing or segment) of the task, at least 1. The building block for
    /// cluster-wide limits: each agent enforces limit / this count.
    /// </summary>
    Task<int> CountWorkingAgentsAsync(long taskId, TimeSpan aliveWithin, CancellationToken cancellationToken);

    /// <summary>Takes (or keeps) the listing lease of a task whose listing is not done; null if another agent holds it.</summary>
    Task<ListingLease?> TryAcquireListingAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken);
    /// <summary>
    /// In one transaction: records the listed objects, makes a segment of those that are new or
    /// changed (or failed before), advances the listing cursor and (when <paramref name="listingDone"/>)
    /// closes the listing. Returns how many objects were queued. Fails if the lease was lost.
    /// </summary>
    Task<int> AppendSegmentAsync(long taskId, string agentName, IReadOnlyList<ObjectInfo> objects, string? segmentStartAfter,
        string? cursor, bool listingDone, CancellationToken cancellationToken);
    Task FailTaskAsync(long taskId, string reason, CancellationToken cancellationToken);

    Task<SegmentClaim?> ClaimSegmentAsync(long taskId, string agentName, TimeSpan leaseDuration, CancellationToken cancellationToken);
    Task<IReadOnlyList<PendingObject>> GetPendingObjectsAsync(SegmentClaim segment, CancellationToken cancellationToken);
    /// <summary>Records outcomes; an object already final is not counted again.</summary>
    Task RecordOutcomesAsync(IReadOnlyList<ObjectOutcomeRecord> outcomes, CancellationToken cancellationToken);
    Task CompleteSegmentAsync(long segmentId, string agentName, CancellationToken cancellationToken);
    /// <summary>Marks the task finished when its listing is done and every segment is; returns the task's state.</summary>
    Task<MigrationTaskState> TryFinishTaskAsync(long taskId, CancellationToken cancellationToken);

    /// <summary>Status from the task's kept counters: the same cost whatever the journal's size.</summary>
    Task<MigrationStatus> GetStatusAsync(long taskId, CancellationToken cancellationToken);
    /// <summary>
    /// Counts the task's journal row by row, compares with the kept counters and, where they
    /// differ (a journal edited by hand), replaces the counters with the count. Returns the
    /// differences found; empty when the counters were right. Journal writers wait meanwhile.
    /// </summary>
    Task<IReadOnlyList<CounterMismatch>> RecountAsync(long taskId, CancellationToken cancellationToken);

    Task UpdateOptionsAsync(long taskId, SameNamePolicy policy, MigrationTaskSettings options, CancellationToken cancellationToken);
    /// <summary>Moves the task to <paramref name="to"/> if it is in one of <paramref name="from"/>; false otherwise.</summary>
    Task<bool> TransitionAsync(long taskId, MigrationTaskState[] from, MigrationTaskState to, CancellationToken cancellationToken);
    /// <summary>Queues the failed objects again (and resumes an unfinished listing); returns how many.</summary>
    Task<long> RetryFailedAsync(long taskId, CancellationToken cancellationToken);
    /// <summary>
    /// Queues again the failed objects among <paramref name="keys"/> (archived objects restored at the
    /// source), in one transaction, and sets the running task's state reason to <paramref name="stateReason"/>
    /// (what still waits; null clears it). Returns how many were queued.
    /// </summary>
    Task<long> RequeueFailedAsync(long taskId, IReadOnlyCollection<string> keys, string? stateReason, CancellationToken cancellationToken);
    /// <summary>Starts a secondary pass: a new listing that queues only new, changed or failed objects.</summary>
    Task<int> StartIncrementalPassAsync(long taskId, CancellationToken cancellationToken);
    Task DeleteTaskAsync(long taskId, CancellationToken cancellationToken);
    IAsyncEnumerable<FailedObject> GetFailedObjectsAsync(long taskId, CancellationToken cancellationToken);

    /// <summary>The last keys of the task's segments, distinct and in key order: where its key ranges end.</summary>
    Task<IReadOnlyList<string>> GetSegmentBoundariesAsync(long taskId, CancellationToken cancellationToken);
    /// <summary>Up to <paramref name="limit"/> journal rows with keys after <paramref name="after"/> and up to <paramref name="last"/> (null: open), in key order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(long taskId, string? after, string? last, int limit, CancellationToken cancellationToken);
}

/// <summary>One outcome of one pass whose kept counters disagreed with a count of the journal (before the repair).</summary>
public sealed record CounterMismatch(ObjectOutcome Outcome, long CountedObjects, long CountedBytes, long JournalObjects, long JournalBytes)
{
    /// <summary>The pass whose counter this is: the objects that pass last queued.</summary>
    public int Pass { get; init; }
    /// <summary>The counter of failures whose reason is SourceArchived, kept apart from the other failures.</summary>
    public bool Archived { get; init; }
}
