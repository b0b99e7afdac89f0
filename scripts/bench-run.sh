#!/usr/bin/env bash
# End-to-end benchmark of `voltmetrics run` (issue 3), with the I/O floor in the same script.
#
#   bash scripts/bench-run.sh [ROWS] [FACILITIES] [RUNS]     (defaults 1000000 2000 5)
#
# Builds the release binary and examples, generates a seeded inventory (Parquet and CSV),
# then times, RUNS times each and reporting the median:
#   floor       examples/io_floor: bare polars read of the Parquet file + Parquet rewrite
#   py-floor    scripts/floor.py (issue 12): Python polars reads the inventory and writes the
#               run's own results frame (read back first; only the read and the write timed)
#   parquet     voltmetrics run inv.parquet -o results.parquet --summary summary.parquet --portfolio
#   csv         voltmetrics run inv.csv     -o results.parquet --summary summary.parquet --portfolio
#   explicit    the Parquet run of the same rows with a protective_device_id each and
#               --devices devices.toml, clearing times given (the device is not used)
#   device      the same rows without clearing times: every row's times from its device
#               (issue 10: device within 1.2x of explicit)
#   alternated  the parquet case and py-floor again, one after the other RUNS times (the
#               ratio of their medians holds up better on a machine whose speed drifts)
#   py-floor synced  scripts/floor.py --sync: the floor with its file synced to disk inside
#               its timer, as a run's results file is (reported beside; the issue's floor is
#               the one without)
# Wall time and peak RSS come from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
FACILITIES=${2:-2000}
RUNS=${3:-5}
# shellcheck source=scripts/measure.sh
source "$(dirname "$0")/measure.sh"
bench_setup generate io_floor
[ -f "$WORK/inv.parquet" ] || "$BIN/examples/generate" --rows "$ROWS" --facilities "$FACILITIES" -o "$WORK/inv.parquet"
[ -f "$WORK/inv.csv" ] || "$BIN/examples/generate" --rows "$ROWS" --facilities "$FACILITIES" -o "$WORK/inv.csv"
[ -f "$WORK/inv-explicit.parquet" ] || "$BIN/examples/generate" --rows "$ROWS" --facilities "$FACILITIES" -o "$WORK/inv-explicit.parquet" --devices "$WORK/devices.toml"
[ -f "$WORK/inv-device.parquet" ] || "$BIN/examples/generate" --rows "$ROWS" --facilities "$FACILITIES" -o "$WORK/inv-device.parquet" --devices "$WORK/devices.toml" --no-durations
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

echo "rows=$ROWS facilities=$FACILITIES runs=$RUNS cores=$(nproc) $(date -u +%FT%TZ)"
floor=$(measure floor "$BIN/examples/io_floor" "$WORK/inv.parquet" "$WORK/floor.parquet")
pq_run=("$BIN/voltmetrics" run "$WORK/inv.parquet" -o "$WORK/results.parquet" --summary "$WORK/summary.parquet" --portfolio -q)
pq=$(measure parquet "${pq_run[@]}")
csv=$(measure csv "$BIN/voltmetrics" run "$WORK/inv.csv" -o "$WORK/results.parquet" --summary "$WORK/summary.parquet" --portfolio -q)
dev_args=(--devices "$WORK/devices.toml" -o "$WORK/results.parquet" --summary "$WORK/summary.parquet" --portfolio -q)
explicit=$(measure explicit "$BIN/voltmetrics" run "$WORK/inv-explicit.parquet" "${dev_args[@]}")
device=$(measure device "$BIN/voltmetrics" run "$WORK/inv-device.parquet" "${dev_args[@]}")
printf '%-8s %10s %12s %8s %12s   %s\n' case "wall_s" "rows/s" "x_floor" "peak_rss_MiB" "all runs (s)"
fw=$(echo "$floor" | awk '{print $2}')
for line in "$floor" "$pq" "$csv" "$explicit" "$device"; do
  echo "$line" | awk -v rows="$ROWS" -v fw="$fw" '{
    printf "%-8s %10.3f %12.0f %8.2f %12.0f   ", $1, $2, rows/$2, $2/fw, $3/1024;
    for (i = 4; i <= NF; i++) printf "%s ", $i; printf "\n" }'
done
# The honest floor: the read and the write a run cannot avoid, in the fastest polars here.
if python3 -c 'import polars' 2>/dev/null; then
  "${pq_run[@]}"
  py_floor=(python3 scripts/floor.py "$WORK/inv.parquet" "$WORK/results.parquet" "$WORK/pyfloor.parquet")
  pyfloors=()
  for _ in $(seq 1 "$RUNS"); do
    pyfloors+=("$("${py_floor[@]}")")
  done
  pyf=$(median "${pyfloors[@]}")
  echo "py-floor (python polars $(python3 -c 'import polars; print(polars.__version__)')): median ${pyf} s (${pyfloors[*]})"
  for line in "$pq" "$csv"; do
    echo "$line" | awk -v pf="$pyf" -v fw="$fw" '{printf "%s / py-floor: %.2fx   (/ floor: %.2fx)\n", $1, $2/pf, $2/fw}'
  done
  # The same ratio with the run and the floor alternated run by run: a machine whose speed
  # drifts within the script (a shared host) then slows or speeds up both alike.
  alt_runs=() alt_floors=()
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -v "${pq_run[@]}" 2> "$WORK/time.txt" > /dev/null
    alt_runs+=("$(wall_s "$WORK/time.txt")")
    alt_floors+=("$("${py_floor[@]}")")
  done
  echo "${alt_runs[*]} | ${alt_floors[*]}" | awk -v r="$(median "${alt_runs[@]}")" -v f="$(median "${alt_floors[@]}")" \
    '{printf "parquet / py-floor alternated run by run: %.2fx   (medians %s s / %s s; %s)\n", r/f, r, f, $0}'
  synced=()
  for _ in $(seq 1 "$RUNS"); do
    synced+=("$(python3 scripts/floor.py --sync "$WORK/inv.parquet" "$WORK/results.parquet" "$WORK/pyfloor.parquet")")
  done
  echo "$pq" | awk -v sf="$(median "${synced[@]}")" -v all="${synced[*]}" \
    '{printf "parquet / py-floor synced: %.2fx   (median %s s; %s)\n", $2/sf, sf, all}'
else
  echo "py-floor skipped: the Python package polars is not installed (pip install polars)"
fi
echo "$explicit $device" | awk '{printf "device / explicit: %.3f (median %s s / %s s)\n", $(NF/2+2)/$2, $(NF/2+2), $2}'
