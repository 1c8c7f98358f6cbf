#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: ./postgres.sh start|stop|env
#   start  initdb into a temporary directory (as user postgres when run as root) and start it on
#          127.0.0.1:$PGPORT with its socket in that directory; prints the variables to export.
#   stop   stops it and removes the directory.
# Nothing happens (exit 0, no output) when PostgreSQL 15 is not installed: the PostgreSQL tests
# are then skipped rather than failed.
set -euo pipefail
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PORT="${MSPMIGRATION_TEST_PGPORT:-55432}"
DIR="${MSPMIGRATION_TEST_PGDIR:-${TMPDIR:-/tmp}/mspmigration-pg-$PORT}"
PASSWORD="mspmigration-test-password"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  [ -x "$BIN/initdb" ] || { echo "PostgreSQL not found under $BIN; PostgreSQL tests will be skipped." >&2; return 0; }
  stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  local pwfile="$DIR.pw"
  echo "$PASSWORD" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  as_owner "$BIN/initdb" -D "$DIR" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
  # Tests open many short connections from several agent processes at once.
  as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200 -c fsync=off" -w start >/dev/null
  print_env
}

print_env() {
  echo "export MSPMIGRATION_TEST_PG='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres'"
  echo "export PGPASSWORD='$PASSWORD'"
}

stop() {
  if [ -f "$DIR/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR" -m immediate -w stop >/dev/null || true; fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
