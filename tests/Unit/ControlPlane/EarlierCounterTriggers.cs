namespace MspMigration.Tests.Unit.ControlPlane;

/// <summary>The v4 counter triggers exactly as that build ran them (see <see cref="EarlierSchemas"/>).</summary>
internal static class EarlierCounterTriggers
{
    public const string Sqlite =
        """
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(NEW.task_id, 0, NEW.outcome, 1, NEW.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_update AFTER UPDATE OF task_id, outcome, size ON objects
        WHEN OLD.outcome IS NOT NEW.outcome OR OLD.size IS NOT NEW.size OR OLD.task_id IS NOT NEW.task_id BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(OLD.task_id, 0, OLD.outcome, -1, -OLD.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(NEW.task_id, 0, NEW.outcome, 1, NEW.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects BEGIN
            INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes) VALUES(OLD.task_id, 0, OLD.outcome, -1, -OLD.size)
            ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = objects - 1, bytes = bytes + excluded.bytes;
        END;
        """;

    public const string Postgres =
        """
        CREATE FUNCTION objects_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, outcome, COUNT(*), SUM(size) FROM new_rows GROUP BY task_id, outcome ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, outcome, SUM(n), SUM(b)
                FROM (SELECT task_id, outcome, 1 AS n, size AS b FROM new_rows UNION ALL SELECT task_id, outcome, -1, -size FROM old_rows) d
                GROUP BY task_id, outcome HAVING SUM(n) <> 0 OR SUM(b) <> 0 ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            ELSE
                INSERT INTO task_counters(task_id, stripe, outcome, objects, bytes)
                SELECT task_id, pg_backend_pid() % 16, outcome, -COUNT(*), -SUM(size) FROM old_rows GROUP BY task_id, outcome ORDER BY 1, 3
                ON CONFLICT(task_id, stripe, outcome) DO UPDATE SET objects = task_counters.objects + excluded.objects, bytes = task_counters.bytes + excluded.bytes;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER objects_counted_insert AFTER INSERT ON objects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_update AFTER UPDATE ON objects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        CREATE TRIGGER objects_counted_delete AFTER DELETE ON objects REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION objects_count();
        """;
}
