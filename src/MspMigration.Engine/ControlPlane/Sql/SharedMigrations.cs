namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// Schema steps whose text is the same on every store (version 1 differs only in how
/// identities, collations and row ids are spelled). Each store appends these to its own list.
/// </summary>
internal static class SharedMigrations
{
    public static readonly string[] AfterV1 =
    [
        // v2: recent throughput with the heartbeat; an index of the segments still open, which
        // is what claimers search and what stays small however large a task grows.
        """
        ALTER TABLE agents ADD COLUMN objects_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
        ALTER TABLE agents ADD COLUMN bytes_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
        CREATE INDEX segments_open ON segments(task_id, seq) WHERE state < 2;
        """,
        // v3: task names unique ignoring case (lookups already ignore it; a database made before
        // keeps every task: a later duplicate gets its id appended); what an agent process is,
        // so that a restarted agent can tell a dead predecessor from a live one at once.
        """
        UPDATE tasks SET name = name || '~' || CAST(id AS TEXT)
        WHERE EXISTS (SELECT 1 FROM tasks t2 WHERE lower(t2.name) = lower(tasks.name) AND t2.id < tasks.id);
        CREATE UNIQUE INDEX tasks_name_folded ON tasks(lower(name));
        ALTER TABLE agents ADD COLUMN boot_id TEXT;
        ALTER TABLE agents ADD COLUMN process_start BIGINT;
        """,
    ];
}
