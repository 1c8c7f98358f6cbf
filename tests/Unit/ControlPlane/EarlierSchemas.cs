using MspMigration.Engine.ControlPlane.Sql;

namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>
/// The schema texts exactly as earlier builds ran them (before one schema text served both
/// databases), so tests can make the databases those builds left behind.
/// </summary>
internal static class EarlierSchemas
{
    public static string[] Sqlite =>
        [SqliteV1, .. AfterV1, V5(JournalCounterTriggers.Sqlite, " WITHOUT ROWID", "INTEGER"), V6(PassCounterTriggers.SqliteDrop, PassCounterTriggers.Sqlite, " WITHOUT ROWID", "INTEGER")];
    public static string[] Postgres =>
        [PostgresV1, .. AfterV1, V5(JournalCounterTriggers.Postgres, "", "BIGINT"), V6(PassCounterTriggers.PostgresDrop, PassCounterTriggers.Postgres, "", "BIGINT")];

    // v6: the pass that last queued each object, and the counters per pass.
    private static string V6(string drop, string triggers, string withoutRowId, string bigint) =>
        $"""
        ALTER TABLE objects ADD COLUMN pass SMALLINT NOT NULL DEFAULT 1;
        {drop}
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
        ){withoutRowId};
        {triggers}
        INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes)
        SELECT task_id, pass, 0, {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects GROUP BY 1, 2, 4;
        """;

    // v5: per-task counters of the journal, kept by triggers (this build's, with archived failures apart).
    private static string V5(string triggers, string withoutRowId, string bigint) =>
        $"""
        CREATE TABLE task_counters(
            task_id {bigint} NOT NULL,
            stripe INTEGER NOT NULL,
            outcome INTEGER NOT NULL, -- ObjectOutcome
            objects {bigint} NOT NULL,
            bytes {bigint} NOT NULL,
            PRIMARY KEY(task_id, stripe, outcome)
        ){withoutRowId};
        {triggers}
        INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
        SELECT task_id, 0, {CounterBuckets.Of("")}, COUNT(*), COALESCE(SUM(size), 0) FROM objects GROUP BY 1, 3;
        """;

    private const string SqliteV1 =
        """
        CREATE TABLE tasks(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            source_profile TEXT,
            destination TEXT NOT NULL,
            destination_profile TEXT,
            same_name_policy TEXT NOT NULL,
            master_agent TEXT,
            state TEXT NOT NULL,
            state_reason TEXT,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            listing_owner TEXT,
            listing_lease_until INTEGER,
            listing_cursor TEXT,
            listing_done INTEGER NOT NULL DEFAULT 0,
            next_segment_seq INTEGER NOT NULL DEFAULT 0,
            options TEXT NOT NULL DEFAULT '{}',
            pass INTEGER NOT NULL DEFAULT 1,
            changed_in_pass INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE segments(
            id INTEGER PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            start_after TEXT,                      -- the listing cursor before this segment
            first_key TEXT NOT NULL,
            last_key TEXT NOT NULL,
            object_count INTEGER NOT NULL,
            byte_count INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,      -- 0 pending, 1 leased, 2 done
            owner TEXT,
            lease_until INTEGER,
            claims INTEGER NOT NULL DEFAULT 0,
            UNIQUE(task_id, seq)
        );
        CREATE INDEX segments_by_state ON segments(task_id, state);
        CREATE INDEX segments_by_owner ON segments(owner) WHERE state = 1;
        -- The journal: one row per object. Keyed by (task, key) so that a segment's objects are
        -- a range scan and the row holds the key once; binary collation is S3's UTF-8 order.
        CREATE TABLE objects(
            task_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            size INTEGER NOT NULL,
            last_modified INTEGER NOT NULL,
            etag TEXT,
            source_crc64 INTEGER,
            outcome INTEGER NOT NULL DEFAULT 0,    -- ObjectOutcome
            attempts INTEGER NOT NULL DEFAULT 0,
            crc64 INTEGER,
            error TEXT,
            updated_at INTEGER,
            PRIMARY KEY(task_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE agents(
            name TEXT PRIMARY KEY,
            address TEXT,
            host TEXT,
            pid INTEGER,
            started_at INTEGER NOT NULL,
            last_heartbeat INTEGER NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0
        );
        """;

    private const string PostgresV1 =
        """
        CREATE TABLE tasks(
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            source_profile TEXT,
            destination TEXT NOT NULL,
            destination_profile TEXT,
            same_name_policy TEXT NOT NULL,
            master_agent TEXT,
            state TEXT NOT NULL,
            state_reason TEXT,
            created_at BIGINT NOT NULL,
            started_at BIGINT,
            finished_at BIGINT,
            listing_owner TEXT,
            listing_lease_until BIGINT,
            listing_cursor TEXT COLLATE "C",
            listing_done INTEGER NOT NULL DEFAULT 0,
            next_segment_seq BIGINT NOT NULL DEFAULT 0,
            options TEXT NOT NULL DEFAULT '{}',
            pass INTEGER NOT NULL DEFAULT 1,
            changed_in_pass BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE segments(
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            seq BIGINT NOT NULL,
            start_after TEXT COLLATE "C",          -- the listing cursor before this segment
            first_key TEXT COLLATE "C" NOT NULL,
            last_key TEXT COLLATE "C" NOT NULL,
            object_count BIGINT NOT NULL,
            byte_count BIGINT NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,      -- 0 pending, 1 leased, 2 done
            owner TEXT,
            lease_until BIGINT,
            claims INTEGER NOT NULL DEFAULT 0,
            UNIQUE(task_id, seq)
        );
        CREATE INDEX segments_by_state ON segments(task_id, state);
        CREATE INDEX segments_by_owner ON segments(owner) WHERE state = 1;
        -- The journal: one row per object, keyed by (task, key) so that a segment's objects are a
        -- range scan of the primary key.
        CREATE TABLE objects(
            task_id BIGINT NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            size BIGINT NOT NULL,
            last_modified BIGINT NOT NULL,
            etag TEXT,
            source_crc64 BIGINT,
            outcome INTEGER NOT NULL DEFAULT 0,    -- ObjectOutcome
            attempts INTEGER NOT NULL DEFAULT 0,
            crc64 BIGINT,
            error TEXT,
            updated_at BIGINT,
            PRIMARY KEY(task_id, key)
        );
        CREATE TABLE agents(
            name TEXT PRIMARY KEY,
            address TEXT,
            host TEXT,
            pid INTEGER,
            started_at BIGINT NOT NULL,
            last_heartbeat BIGINT NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0
        );
        """;

    private static readonly string[] AfterV1 =
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
        // v4: why each failed object failed, by FailureReason name; rows journaled before read as Unknown.
        """
        ALTER TABLE objects ADD COLUMN reason TEXT;
        """,
    ];
}
