namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// The journal's counters kept per pass as well (schema v6): task_counters is keyed by (task, pass,
/// stripe, outcome) and each journal row counts in the pass that last queued it (objects.pass).
/// The pass joins the key rather than a second table, so an outcome still costs one counter
/// change per row (SQLite) or per batch and outcome (PostgreSQL), not two. {drop_counter_triggers}
/// removes v5's (<see cref="JournalCounterTriggers"/>); {pass_counter_triggers} makes these. Schema
/// steps: never edited once released.
/// </summary>
internal static class PassCounterTriggers
{
    public const string SqliteDrop =
        """
        DROP TRIGGER objects_counted_insert;
        DROP TRIGGER objects_counted_update;
        DROP TRIGGER objects_counted_delete;
        """;

    public const string PostgresDrop =
        """
        DROP TRIGGER objects_counted_insert ON objects;
        DROP TRIGGER objects_counted_update ON objects;
        DROP TRIGGER objects_counted_delete ON objects;
        DROP FUNCTION objects_count();
        """;

    /// <summary>As v5's, with the pass in the key and in what makes an update count.</summary>
    public static readonly string Sqlite =
        $$"""
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects BEGIN
            INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes) VALUES(NEW.task_id, NEW.pass, 0, {{CounterBuckets.Of("NEW.")}}, 1, NEW.size)
            ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_update AFTER UPDATE OF task_id, outcome, size, reason, pass ON objects
        WHEN OLD.outcome IS NOT NEW.outcome OR OLD.size IS NOT NEW.size OR OLD.task_id IS NOT NEW.task_id OR OLD.reason IS NOT NEW.reason OR OLD.pass IS NOT NEW.pass BEGIN
            INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes) VALUES(OLD.task_id, OLD.pass, 0, {{CounterBuckets.Of("OLD.")}}, -1, -OLD.size)
            ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
            INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes) VALUES(NEW.task_id, NEW.pass, 0, {{CounterBuckets.Of("NEW.")}}, 1, NEW.size)
            ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects BEGIN
            INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes) VALUES(OLD.task_id, OLD.pass, 0, {{CounterBuckets.Of("OLD.")}}, -1, -OLD.size)
            ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
        END;
        """;

    /// <summary>As v5's (statement triggers, stripes by backend pid), grouped by pass too; rows are locked in key order.</summary>
    public static readonly string Postgres =
        $$"""
        CREATE FUNCTION objects_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes)
                SELECT task_id, pass, pg_backend_pid() % 16, {{CounterBuckets.Of("")}}, COUNT(*), SUM(size) FROM new_rows GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
                ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes)
                SELECT task_id, pass, pg_backend_pid() % 16, outcome, SUM(n), SUM(b)
                FROM (SELECT task_id, pass, {{CounterBuckets.Of("")}} AS outcome, 1 AS n, size AS b FROM new_rows
                      UNION ALL SELECT task_id, pass, {{CounterBuckets.Of("")}}, -1, -size FROM old_rows) d
                GROUP BY task_id, pass, outcome HAVING SUM(n) <> 0 OR SUM(b) <> 0 ORDER BY 1, 2, 4
                ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSE
                INSERT INTO task_counters(task_id, pass, stripe, outcome, objects, bytes)
                SELECT task_id, pass, pg_backend_pid() % 16, {{CounterBuckets.Of("")}}, -COUNT(*), -SUM(size) FROM old_rows GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
                ON CONFLICT(task_id, pass, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_update AFTER UPDATE ON objects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        """;
}
