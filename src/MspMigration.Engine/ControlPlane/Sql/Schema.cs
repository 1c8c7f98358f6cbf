namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// The control plane's schema, one text for every database. Each entry upgrades from the previous
/// version; entries are never edited once released (a database made by an earlier build must
/// reach the same schema as a new one), only appended. Type spellings are dialect tokens
/// (<see cref="SqlDialect"/>); states and outcomes are named (<see cref="SqlNames"/>).
/// </summary>
internal static class Schema
{
    public static readonly string[] Migrations = [V1, V2, V3, V4, V5, V6];

    // v1. Times are milliseconds since the epoch ({bigint}); {key} columns sort in byte order,
    // S3's UTF-8 listing order.
    private const string V1 =
        """
        CREATE TABLE tasks(
            id {identity},
            name TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            source_profile TEXT,
            destination TEXT NOT NULL,
            destination_profile TEXT,
            same_name_policy TEXT NOT NULL,
            master_agent TEXT,
            state TEXT NOT NULL,
            state_reason TEXT,
            created_at {bigint} NOT NULL,
            started_at {bigint},
            finished_at {bigint},
            listing_owner TEXT,
            listing_lease_until {bigint},
            listing_cursor {key},
            listing_done INTEGER NOT NULL DEFAULT 0,
            next_segment_seq {bigint} NOT NULL DEFAULT 0,
            options TEXT NOT NULL DEFAULT '{}',
            pass INTEGER NOT NULL DEFAULT 1,
            changed_in_pass {bigint} NOT NULL DEFAULT 0
        );
        CREATE TABLE segments(
            id {identity},
            task_id {bigint} NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            seq {bigint} NOT NULL,
            start_after {key},                     -- the listing cursor before this segment
            first_key {key} NOT NULL,
            last_key {key} NOT NULL,
            object_count {bigint} NOT NULL,
            byte_count {bigint} NOT NULL,
            state INTEGER NOT NULL DEFAULT {segment.Pending}, -- SegmentState
            owner TEXT,
            lease_until {bigint},
            claims INTEGER NOT NULL DEFAULT 0,
            UNIQUE(task_id, seq)
        );
        CREATE INDEX segments_by_state ON segments(task_id, state);
        CREATE INDEX segments_by_owner ON segments(owner) WHERE state = {segment.Leased};
        -- The journal: one row per object. Keyed by (task, key) so that a segment's objects are
        -- a range scan of the primary key and the row holds the key once.
        CREATE TABLE objects(
            task_id {bigint} NOT NULL,
            key {key} NOT NULL,
            size {bigint} NOT NULL,
            last_modified {bigint} NOT NULL,
            etag TEXT,
            source_crc64 {bigint},
            outcome INTEGER NOT NULL DEFAULT {outcome.Pending}, -- ObjectOutcome
            attempts INTEGER NOT NULL DEFAULT 0,
            crc64 {bigint},
            error TEXT,
            updated_at {bigint},
            PRIMARY KEY(task_id, key)
        ){without_rowid};
        CREATE TABLE agents(
            name TEXT PRIMARY KEY,
            address TEXT,
            host TEXT,
            pid INTEGER,
            started_at {bigint} NOT NULL,
            last_heartbeat {bigint} NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0
        );
        """;

    // v2: recent throughput with the heartbeat; an index of the segments still open, which is
    // what claimers search and what stays small however large a task grows.
    private const string V2 =
        """
        ALTER TABLE agents ADD COLUMN objects_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
        ALTER TABLE agents ADD COLUMN bytes_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
        CREATE INDEX segments_open ON segments(task_id, seq) WHERE state < {segment.Done};
        """;

    // v3: task names unique ignoring case (lookups already ignore it; a database made before
    // keeps every task: a later duplicate gets its id appended); what an agent process is, so
    // that a restarted agent can tell a dead predecessor from a live one at once.
    private const string V3 =
        """
        UPDATE tasks SET name = name || '~' || CAST(id AS TEXT)
        WHERE EXISTS (SELECT 1 FROM tasks t2 WHERE lower(t2.name) = lower(tasks.name) AND t2.id < tasks.id);
        CREATE UNIQUE INDEX tasks_name_folded ON tasks(lower(name));
        ALTER TABLE agents ADD COLUMN boot_id TEXT;
        ALTER TABLE agents ADD COLUMN process_start BIGINT;
        """;

    // v4: why each failed object failed, by FailureReason name (names survive reordering the
    // enum); rows journaled before read as Unknown.
    private const string V4 =
        """
        ALTER TABLE objects ADD COLUMN reason TEXT;
        """;

    // v5: per-task counters of the journal (objects and bytes by outcome), kept by triggers in
    // the transaction of every journal change, so a status costs the same at any journal size.
    // Readers sum a task's rows (PostgreSQL writes them in stripes). A counter's outcome is the
    // journal's, except that failures whose reason is SourceArchived count apart ({counter_bucket}). The triggers come first, so
    // on PostgreSQL they lock out writers of an older build while the journal is counted once.
    private const string V5 =
        """
        CREATE TABLE task_counters(
            task_id {bigint} NOT NULL,
            stripe INTEGER NOT NULL,
            outcome INTEGER NOT NULL, -- ObjectOutcome
            objects {bigint} NOT NULL,
            bytes {bigint} NOT NULL,
            PRIMARY KEY(task_id, stripe, outcome)
        ){without_rowid};
        {counter_triggers}
        INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
        SELECT task_id, 0, {counter_bucket}, COUNT(*), COALESCE(SUM(size), 0) FROM objects GROUP BY 1, 3;
        """;

    // v6: the pass that last queued each object (set on insert and when a listing or a retry
    // queues it again), and the counters kept per pass as well, so a status can tell this pass
    // from the whole task. SMALLINT: SQLite stores pass 1 in the record header alone and small
    // passes in one byte; PostgreSQL 2 bytes (often absorbed by the row's 8-byte alignment).
    // Objects journaled before v6 belong to their task's current pass: which pass queued them is
    // unknown, and the current pass is the one whose pending objects are being worked, so none is
    // missed (a task still in its first pass, most of them, is counted exactly). Only tasks past
    // their first pass rewrite rows. SQLite cannot change a primary key: task_counters is made
    // anew and counted from the journal, after the old triggers are gone and before the new run.
    private const string V6 =
        """
        ALTER TABLE objects ADD COLUMN pass SMALLINT NOT NULL DEFAULT 1;
        {drop_counter_triggers}
        UPDATE objects SET pass = (SELECT pass FROM tasks WHERE tasks.id = objects.task_id)
        WHERE task_id IN (SELECT id FROM tasks WHERE pass > 1);
        DROP TABLE task_counters;
        CREATE TABLE task_counters(
            task_id {bigint} NOT NULL,
            pass INTEGER NOT NULL,
            stripe INTEGER NOT NULL,
            outcome INTEGER NOT NULL, -- ObjectOutcome
            objects {bigint} NOT NULL,
            bytes {bigint} NOT NULL,
            PRIMARY KEY(task_id, pass, stripe, outcome)
        ){without_rowid};
        {pass_counter_triggers}
        INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes)
        SELECT task_id, pass, 0, {counter_bucket}, COUNT(*), COALESCE(SUM(size), 0) FROM objects GROUP BY 1, 2, 4;
        """;
}
