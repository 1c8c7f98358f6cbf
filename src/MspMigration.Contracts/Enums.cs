namespace MspMigration;

/// <summary>What happens when the destination already holds an object of the same key.</summary>
public enum SameNamePolicy
{
    /// <summary>Replace the destination object (MSP's default).</summary>
    Overwrite,
    /// <summary>Keep the destination object; the source object is recorded as skipped.</summary>
    Skip,
    /// <summary>Copy only when the source object is newer than the destination object.</summary>
    IfSourceNewer,
    /// <summary>Copy only when size or checksum differ.</summary>
    IfDifferent,
}

/// <summary>Life cycle of a migration task.</summary>
public enum MigrationTaskState
{
    /// <summary>Created; no agent has started listing it yet.</summary>
    Pending,
    /// <summary>Agents are listing and copying.</summary>
    Running,
    /// <summary>Every object succeeded or was skipped.</summary>
    Completed,
    /// <summary>Finished, but some objects failed; retry or export them.</summary>
    CompletedWithFailures,
    /// <summary>The task could not run at all (for example the source cannot be listed).</summary>
    Failed,
    /// <summary>Paused by an operator; agents leave it alone until it is resumed.</summary>
    Paused,
}

/// <summary>Outcome of one object in the journal.</summary>
public enum ObjectOutcome
{
    Pending,
    Succeeded,
    Skipped,
    Failed,
}

/// <summary>Whether an agent is running, as the control plane sees it.</summary>
public enum AgentState
{
    /// <summary>Heartbeating within the lease time.</summary>
    Alive,
    /// <summary>Stopped cleanly and gave its leases back.</summary>
    Stopped,
    /// <summary>No heartbeat within the lease time (killed, crashed, cut off): its leases expire.</summary>
    Lost,
}

/// <summary>An agent's role in a task.</summary>
public enum AgentRole
{
    /// <summary>Copies segments.</summary>
    Worker,
    /// <summary>Lists the source and cuts it into segments (and copies segments too).</summary>
    Master,
}
