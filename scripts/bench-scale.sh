#!/usr/bin/env bash
# Time per row at scale (issue 12): 10^7 rows against 10^6, run in turn round by round.
#
#   bash scripts/bench-scale.sh [ROUNDS]     (default 5)
#
# Builds the release binary and the generator, generates (once, in $BENCH_DIR if set) three
# seeded inventories:
#   1m        10^6 rows over 2,000 facilities (the input of bench-run.sh)
#   10m       10^7 rows over 20,000 facilities (the same rows per facility: the scale record)
#   10m-2k    10^7 rows over 2,000 facilities (the same facilities as 1m)
# then, ROUNDS times, runs each of them once (10m, 10m-2k, 1m) with
#   voltmetrics run INV -o results.parquet --summary summary.parquet --portfolio -q
# and reports each case's median wall time and peak RSS, and the time per row of each 10^7
# case against that of 1m: by the medians, and round by round (the issue's target: within
# 10 %; peak RSS at 10^7 at most 1 GiB). The two 10^7 cases tell apart what grows with the
# rows from what grows with the facilities. Needs ~0.8 GB of disk for the inputs and ~2.5 GB
# for the results.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
# shellcheck source=scripts/measure.sh
source "$(dirname "$0")/measure.sh"
bench_setup generate
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

inventory() { # case, rows, facilities
  [ -f "$WORK/scale-$1.parquet" ] || "$BIN/examples/generate" --rows "$2" --facilities "$3" -o "$WORK/scale-$1.parquet"
}
inventory 1m 1000000 2000
inventory 10m 10000000 20000
inventory 10m-2k 10000000 2000

cases=(10m 10m-2k 1m)
declare -A walls rss
echo "rounds=$ROUNDS cores=$(nproc) $(date -u +%FT%TZ)"
for r in $(seq 1 "$ROUNDS"); do
  line="round $r:"
  for c in "${cases[@]}"; do
    /usr/bin/time -v "$BIN/voltmetrics" run "$WORK/scale-$c.parquet" -o "$WORK/scale-results-$c.parquet" \
      --summary "$WORK/scale-summary-$c.parquet" --portfolio -q 2> "$WORK/time.txt" > /dev/null
    w=$(wall_s "$WORK/time.txt")
    walls[$c]="${walls[$c]:-} $w"
    rss[$c]="${rss[$c]:-} $(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")"
    line="$line $c ${w} s"
  done
  echo "$line"
done
# shellcheck disable=SC2086 # word splitting of the lists is intended
m1=$(median ${walls[1m]})
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  echo "$c: median $(median ${walls[$c]}) s, peak RSS $(printf '%s\n' ${rss[$c]} | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}') MiB (all runs:${walls[$c]})"
done
for c in 10m 10m-2k; do
  read -r -a big <<< "${walls[$c]}"
  read -r -a small <<< "${walls[1m]}"
  per_round=()
  for i in "${!big[@]}"; do
    per_round+=("$(awk -v a="${big[$i]}" -v b="${small[$i]}" 'BEGIN {printf "%.3f", a / (10 * b)}')")
  done
  # shellcheck disable=SC2086
  awk -v a="$(median ${walls[$c]})" -v b="$m1" -v c="$c" -v each="${per_round[*]}" \
    'BEGIN {printf "%s / 1m, time per row: %.3fx by the medians (round by round: %s)\n", c, a / (10 * b), each}'
done
