#!/usr/bin/env bash
# Persistence benchmark (issue 4), with the baselines in the same script:
#
#   bash scripts/bench-persist.sh [ROWS] [FACILITIES]      (defaults 1000000 2000)
#
#   postgres   `voltmetrics run --postgres` on a fresh schema: the upsert stage alone (binary
#              COPY into staging + INSERT … ON CONFLICT, one transaction), from `-v` timings
#   raw copy   psql \copy of the same result rows (CSV) into an UNLOGGED table without indexes
#   redis      `voltmetrics run --redis`: the warm-up stage alone, equipment/s
#   baseline   redis-benchmark -P 64 -t hset -n ROWS (HSET/s): one field rewritten in one key
#   same shape redis-benchmark -P 64 -r ROWS: an HSET of the warm-up's 19 fields (typical
#              values) into up to ROWS distinct keys, the server's own ceiling for this layout
# Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_PG_URL, BENCH_REDIS_URL override).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
FACILITIES=${2:-2000}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
REDIS=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/}
# shellcheck source=scripts/measure.sh
source "$(dirname "$0")/measure.sh"
bench_setup generate io_floor
[ -f "$WORK/inv.parquet" ] || "$BIN/examples/generate" --rows "$ROWS" --facilities "$FACILITIES" -o "$WORK/inv.parquet"
SCHEMA="vm_bench_$$"
psql -q "$PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null
trap 'psql -q "$PG" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
URL="$PG?options=-c%20search_path%3D$SCHEMA"

stage() { sed -n "s/.*stages: .*$1 \([0-9.]*\) s.*/\1/p" "$2"; }

echo "rows=$ROWS facilities=$FACILITIES cores=$(nproc) $(date -u +%FT%TZ)"
"$BIN/voltmetrics" run "$WORK/inv.parquet" -o "$WORK/results.csv" --postgres "$URL" --migrate -v 2> "$WORK/pg.txt"
pg_s=$(stage postgres "$WORK/pg.txt")
# Raw COPY of the same rows: the result columns as CSV into an unlogged table without indexes.
psql -q "$URL" -c "CREATE UNLOGGED TABLE raw_copy (LIKE voltmetrics_results); ALTER TABLE raw_copy DROP COLUMN as_of, DROP COLUMN run_id, ADD COLUMN location text" >/dev/null
cols=$(head -1 "$WORK/results.csv")
start=$(date +%s.%N)
psql -q "$URL" -c "\\copy raw_copy ($cols) FROM '$WORK/results.csv' CSV HEADER" >/dev/null
end=$(date +%s.%N)
copy_s=$(echo "$end - $start" | bc -l)

PREFIX="vmbench$$:"
"$BIN/voltmetrics" run "$WORK/inv.parquet" -o /dev/null --format csv --redis "$REDIS" --redis-prefix "$PREFIX" -v 2> "$WORK/redis.txt"
redis_s=$(stage redis "$WORK/redis.txt")
HOST=$(echo "$REDIS" | sed -E 's#redis://([^:/]*@)?([^:/]+):?([0-9]*)/?.*#\2#'); PORT=$(echo "$REDIS" | sed -E 's#.*:([0-9]+)/?$#\1#')
hset_rate=$(redis-benchmark -h "$HOST" -p "$PORT" -P 64 -t hset -n "$ROWS" -q | sed -n 's/.*HSET: \([0-9.]*\) requests per second.*/\1/p')
# The same command shape as the warm-up's equipment hashes (field names and typical values).
shape_rate=$(redis-benchmark -h "$HOST" -p "$PORT" -P 64 -n "$ROWS" -r "$ROWS" -q HSET "${PREFIX}shape:__rand_int__" \
  run_id 01a216dd-b5aa-76cc-8e27-d5e143dead7e facility_id SITE-01725 equipment_id EQ-0000160 status ok \
  errors - method ieee1584-2018@1 electrode_config VCB incident_energy_cal_cm2 4.83583577443935 \
  arc_flash_boundary_mm 1458.2261070890452 arcing_current_ka 10.259838658201463 governing_case reduced \
  min_arc_rating_cal_cm2 4.9 ppe_category 2 danger false limited_approach_fixed_mm 1066.8 \
  restricted_approach_mm 304.8 compliance_status fail findings LABEL_AFB_UNDERSTATED\;STUDY_MISSING \
  input_hash aad8704daf140df0 | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
redis-cli -h "$HOST" -p "$PORT" --scan --pattern "${PREFIX}*" | xargs -r -n 5000 redis-cli -h "$HOST" -p "$PORT" DEL >/dev/null

awk -v rows="$ROWS" -v pg="$pg_s" -v cp="$copy_s" -v rd="$redis_s" -v hs="$hset_rate" -v sh="$shape_rate" 'BEGIN {
  printf "postgres upsert   %8.3f s  %10.0f rows/s\n", pg, rows/pg;
  printf "raw \\copy          %8.3f s  %10.0f rows/s   upsert/raw = %.0f %%\n", cp, rows/cp, 100*cp/pg;
  printf "redis warm-up     %8.3f s  %10.0f equipment/s\n", rd, rows/rd;
  printf "redis-benchmark   %21.0f HSET/s       warm-up/benchmark = %.0f %%\n", hs, 100*(rows/rd)/hs;
  printf "same-shape HSET   %21.0f HSET/s       warm-up/same shape = %.0f %%, same shape/benchmark = %.0f %%\n", sh, 100*(rows/rd)/sh, 100*sh/hs;
}'
