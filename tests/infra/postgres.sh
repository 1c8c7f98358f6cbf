#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#   start  initdb into a new temporary directory (as user postgres when run as root) and start it
#          on 127.0.0.1, port 55432 or the next free one, socket in that directory; prints the
#          variables to export (connection string, password, and the directory for "stop").
#   stop   stops the cluster named by $MSPMIGRATION_TEST_PGDIR and removes its directory.
#   pause  stops that cluster (fast shutdown: connections are cut) and keeps its data;
#   resume starts it again on the same port (tests of a control plane that goes away mid-run).
# Each start makes its own cluster, so test runs of several checkouts on one machine do not stop
# each other's server. Nothing happens (exit 0, no output) when PostgreSQL 15 is not installed:
# the PostgreSQL tests are then skipped rather than failed.
set -euo pipefail
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
FIRST_PORT="${MSPMIGRATION_TEST_PGPORT:-55432}"
PASSWORD="mspmigration-test-password"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [ -x "$BIN/initdb" ] || { echo "PostgreSQL not found under $BIN; PostgreSQL tests will be skipped." >&2; return 0; }
  local dir pwfile port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/mspmigration-pg.XXXXXX")"
  pwfile="$dir/pw"
  echo "$PASSWORD" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
  as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
  for port in $(seq "$FIRST_PORT" $((FIRST_PORT + 19))); do
    port_busy "$port" && continue
    # Tests open many short connections from several agent processes at once; durability is not needed.
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" > "$dir/options"
    if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$(cat "$dir/options")" -w start >/dev/null; then
      echo "export MSPMIGRATION_TEST_PG='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
      echo "export PGPASSWORD='$PASSWORD'"
      echo "export MSPMIGRATION_TEST_PGDIR='$dir'"
      return 0
    fi
  done
  echo "PostgreSQL did not start (no free port from $FIRST_PORT); see $dir/server.log" >&2
  return 1
}

stop() {
  local dir="${MSPMIGRATION_TEST_PGDIR:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true; fi
  rm -rf "$dir"
}

pause() {
  local dir="${MSPMIGRATION_TEST_PGDIR:?MSPMIGRATION_TEST_PGDIR is not set}"
  as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

resume() {
  local dir="${MSPMIGRATION_TEST_PGDIR:?MSPMIGRATION_TEST_PGDIR is not set}"
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$(cat "$dir/options")" -w start >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: $0 start|stop|pause|resume" >&2; exit 2 ;;
esac
