#!/usr/bin/env bash
# Compares `voltmetrics run` of several binaries on the same inventories, runs interleaved so the
# machine's drift hits every binary alike (issue 8 and 9: "not slower than before, ±5 %").
#
#   BENCH_DIR=/tmp/bench bash scripts/bench-compare.sh RUNS label=BIN [label=BIN ...]
#
# Needs $BENCH_DIR/inv.parquet and $BENCH_DIR/inv.csv (scripts/bench-run.sh makes them).
# Reports per binary and input the median wall time, the median peak RSS and every run.
set -euo pipefail
RUNS=$1; shift
WORK="${BENCH_DIR:?set BENCH_DIR to the folder with inv.parquet and inv.csv}"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
declare -A WALL RSS
for _ in $(seq 1 "$RUNS"); do
  for spec in "$@"; do
    label=${spec%%=*}; bin=${spec#*=}
    for input in parquet csv; do
      /usr/bin/time -v "$bin" run "$WORK/inv.$input" -o "$WORK/results.parquet" \
        --summary "$WORK/summary.parquet" --portfolio -q 2> "$WORK/time.txt" > /dev/null
      w=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); if (length(a)==3) print a[1]*3600+a[2]*60+a[3]; else print a[1]*60+a[2]}' "$WORK/time.txt")
      r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
      WALL[$label.$input]="${WALL[$label.$input]:-} $w"
      RSS[$label.$input]="${RSS[$label.$input]:-} $r"
    done
  done
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-10s %-8s %8s %8s   %s\n' binary input wall_s rss_MiB "all runs (s)"
for spec in "$@"; do
  label=${spec%%=*}
  for input in parquet csv; do
    printf '%-10s %-8s %8.3f %8.0f   %s\n' "$label" "$input" "$(median "${WALL[$label.$input]}")" \
      "$(( $(median "${RSS[$label.$input]}") / 1024 ))" "${WALL[$label.$input]}"
  done
done
