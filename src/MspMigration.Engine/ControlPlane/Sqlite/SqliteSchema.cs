using MspMigration.Engine.ControlPlane.Sql;

namespace MspMigration.Engine.ControlPlane.Sqlite;

/// <summary>
/// Versioned schema. Each entry upgrades from the previous version; a database newer than
/// this build is refused rather than misread.
/// </summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations = [V1, .. SharedMigrations.AfterV1];

    private const string V1 =
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
}
