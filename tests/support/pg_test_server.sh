#!/bin/sh
# A throw-away PostgreSQL 15 cluster for the delivery store's tests (CTest
# fixture "pg"): start writes the connection URL to STATE_DIR/url, stop
# removes the cluster. Runs initdb/postgres as the `postgres` user when
# started as root (initdb refuses root). Loopback only, trust auth — the
# cluster lives for one test run and holds synthetic data only.
#   pg_test_server.sh start STATE_DIR
#   pg_test_server.sh stop  STATE_DIR
set -eu
cmd=${1:?start|stop}
state=${2:?state dir}
bindir=${REGHUB_PG_BINDIR:-/usr/lib/postgresql/15/bin}
mkdir -p "$state"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

fail() {
  echo "pg_test_server: $*" >&2
  echo "$*" >"$state/error"
  exit 1
}

case "$cmd" in
start)
  rm -f "$state/url" "$state/error"
  [ -x "$bindir/initdb" ] || fail "PostgreSQL server binaries not found in $bindir (Debian package postgresql-15; set REGHUB_PG_BINDIR)"
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    fail "running as root but there is no 'postgres' user to run the server (install postgresql-15)"
  fi
  if [ -f "$state/datadir" ] && [ -d "$(cat "$state/datadir")" ]; then "$0" stop "$state" || true; fi
  dir=$(mktemp -d /tmp/reghub-pg-XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  echo "$dir" >"$state/datadir"
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$state/initdb.log" 2>&1 ||
    fail "initdb failed: see $state/initdb.log"
  port=""
  for try in 1 2 3 4 5 6 7 8; do
    p=$(( 20000 + ($$ * 7 + try * 1031 + $(date +%N | sed 's/^0*//;s/^$/0/') % 20000) % 40000 ))
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $p -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        start >"$state/pg_ctl.log" 2>&1; then
      port=$p
      break
    fi
  done
  [ -n "$port" ] || fail "the server did not start on any free loopback port: see $dir/server.log and $state/pg_ctl.log"
  as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres reghub_test >"$state/createdb.log" 2>&1 ||
    fail "createdb failed: see $state/createdb.log"
  echo "postgresql://postgres@127.0.0.1:$port/reghub_test" >"$state/url"
  echo "pg_test_server: $(cat "$state/url")"
  ;;
stop)
  if [ -f "$state/datadir" ]; then
    dir=$(cat "$state/datadir")
    if [ -d "$dir/data" ]; then as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    rm -f "$state/datadir" "$state/url"
  fi
  ;;
*) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
