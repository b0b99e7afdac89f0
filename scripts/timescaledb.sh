#!/usr/bin/env bash
# Starts a PostgreSQL 15 cluster with TimescaleDB preloaded on 127.0.0.1:${TSDB_PORT:-5433}
# (database `test`, trust auth, extension created) and prints its URL.
#
# Uses the shared service script (../shared/services/timescaledb.sh, which also builds
# TimescaleDB from its vendored source the first time) when it exists; otherwise starts a
# cluster from an already installed TimescaleDB, and fails with a message when there is none.
set -euo pipefail
PORT="${TSDB_PORT:-5433}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for shared in "${VOLTMETRICS_TIMESCALE_SCRIPT:-}" "$HERE/../../shared/services/timescaledb.sh" /work/shared/services/timescaledb.sh; do
  if [ -n "$shared" ] && [ -f "$shared" ]; then
    exec bash "$shared"
  fi
done

PGVER=15
URL="postgres://postgres@127.0.0.1:$PORT/test"
say() { printf 'timescaledb.sh: %s\n' "$*" >&2; }
if ! ls /usr/lib/postgresql/$PGVER/lib/timescaledb*.so >/dev/null 2>&1; then
  say "TimescaleDB is not installed for PostgreSQL $PGVER and no service script was found"
  exit 1
fi
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$PGVER tsdb"; then
  pg_createcluster "$PGVER" tsdb -p "$PORT" -- --auth=trust >/dev/null
  printf "shared_preload_libraries = 'timescaledb'\ntimescaledb.telemetry_level = off\nlisten_addresses = '127.0.0.1'\nport = %s\n" "$PORT" \
    >>"/etc/postgresql/$PGVER/tsdb/postgresql.conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
    >"/etc/postgresql/$PGVER/tsdb/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$PGVER" tsdb start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PORT" -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$PORT" -q || { say "the server on port $PORT did not start"; exit 1; }
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc "select 1 from pg_database where datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "create database test" >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -d test -qc "create extension if not exists timescaledb" >/dev/null
echo "$URL"
