namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>
/// How the journal keeps its per-task counters (objects and bytes by outcome, archived failures
/// apart: <see cref="CounterBuckets"/>; table
/// task_counters) in the transaction that changes it: triggers on the journal, so every statement
/// that inserts, updates or deletes journal rows counts, whoever runs it. The texts are
/// schema steps ({counter_triggers} in <see cref="Schema"/>): never edited once released. Schema v6
/// replaces them with <see cref="PassCounterTriggers"/>, which count per pass as well.
/// </summary>
internal static class JournalCounterTriggers
{
    /// <summary>
    /// SQLite has row triggers only; one writer at a time, so one counter row per outcome
    /// (stripe 0). An update that changes neither outcome nor size costs nothing.
    /// </summary>
    public static readonly string Sqlite =
        $$"""
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(NEW.task_id, 0, {{CounterBuckets.Of("NEW.")}}, 1, NEW.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_update AFTER UPDATE OF task_id, outcome, size, reason ON objects
        WHEN OLD.outcome IS NOT NEW.outcome OR OLD.size IS NOT NEW.size OR OLD.task_id IS NOT NEW.task_id OR OLD.reason IS NOT NEW.reason BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(OLD.task_id, 0, {{CounterBuckets.Of("OLD.")}}, -1, -OLD.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(NEW.task_id, 0, {{CounterBuckets.Of("NEW.")}}, 1, NEW.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(OLD.task_id, 0, {{CounterBuckets.Of("OLD.")}}, -1, -OLD.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
        END;
        """;

    /// <summary>
    /// PostgreSQL: statement triggers with transition tables, so a batch of outcomes adds one
    /// aggregated change per outcome, not one per row. Agents writing at once would queue on one
    /// counter row per outcome until commit; each connection (server process) writes to a stripe
    /// of its own instead (pid mod 16), and readers sum the stripes. Rows are locked in
    /// (task, outcome) order so two writers sharing a stripe cannot deadlock on them.
    /// </summary>
    public static readonly string Postgres =
        $$"""
        CREATE FUNCTION objects_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, {{CounterBuckets.Of("")}}, COUNT(*), SUM(size) FROM new_rows GROUP BY 1, 3 ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, outcome, SUM(n), SUM(b)
                FROM (SELECT task_id, {{CounterBuckets.Of("")}} AS outcome, 1 AS n, size AS b FROM new_rows
                      UNION ALL SELECT task_id, {{CounterBuckets.Of("")}}, -1, -size FROM old_rows) d
                GROUP BY task_id, outcome HAVING SUM(n) <> 0 OR SUM(b) <> 0 ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSE
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, {{CounterBuckets.Of("")}}, -COUNT(*), -SUM(size) FROM old_rows GROUP BY 1, 3 ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_update AFTER UPDATE ON objects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        """;
}
