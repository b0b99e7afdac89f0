#!/usr/bin/env bash
# Benchmark of `labels` and `report` (issue 11), release build, median of RUNS runs each:
#
#   bash scripts/bench-labels.sh [LABEL_ROWS] [REPORT_ROWS] [FACILITIES] [RUNS]
#                                 (defaults 10000 1000000 2000 3)
#
#   svg      voltmetrics labels inv-10k.parquet -o DIR            (a file per label)
#   pdf      voltmetrics labels inv-10k.parquet -o labels.pdf     (one multi-page PDF)
#   pdf-dir  voltmetrics labels inv-10k.parquet -o DIR --format pdf
#   run      voltmetrics run inv-1m.parquet -o results.parquet --summary summary.parquet --portfolio
#            (the same calculation without the page: the report's baseline)
#   report   voltmetrics report inv-1m.parquet -o report.html
# Targets: 10,000 labels in <= 10 s (SVG) and <= 30 s (PDF); the report of 1M rows over 2,000
# facilities in <= 10 s and <= 20 MB. Labels and page sizes are printed after the times.
set -euo pipefail
cd "$(dirname "$0")/.."
LABEL_ROWS=${1:-10000}
REPORT_ROWS=${2:-1000000}
FACILITIES=${3:-2000}
RUNS=${4:-3}
# shellcheck source=scripts/measure.sh
source "$(dirname "$0")/measure.sh"
bench_setup generate
[ -f "$WORK/inv-labels.parquet" ] || "$BIN/examples/generate" --rows "$LABEL_ROWS" --facilities 20 -o "$WORK/inv-labels.parquet"
[ -f "$WORK/inv.parquet" ] || "$BIN/examples/generate" --rows "$REPORT_ROWS" --facilities "$FACILITIES" -o "$WORK/inv.parquet"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

echo "label rows=$LABEL_ROWS report rows=$REPORT_ROWS facilities=$FACILITIES runs=$RUNS cores=$(nproc) $(date -u +%FT%TZ)"
lines=()
lines+=("$(measure svg bash -c "'$BIN/voltmetrics' labels '$WORK/inv-labels.parquet' --as-of 2026-06-30 -q -o '$WORK/svg' || [ \$? -eq 3 ]")")
lines+=("$(measure pdf bash -c "'$BIN/voltmetrics' labels '$WORK/inv-labels.parquet' --as-of 2026-06-30 -q -o '$WORK/labels.pdf' || [ \$? -eq 3 ]")")
lines+=("$(measure pdf-dir bash -c "'$BIN/voltmetrics' labels '$WORK/inv-labels.parquet' --as-of 2026-06-30 -q -o '$WORK/pdf' --format pdf || [ \$? -eq 3 ]")")
lines+=("$(measure run "$BIN/voltmetrics" run "$WORK/inv.parquet" --as-of 2026-06-30 -q -o "$WORK/results.parquet" --summary "$WORK/summary.parquet" --portfolio)")
lines+=("$(measure report "$BIN/voltmetrics" report "$WORK/inv.parquet" --as-of 2026-06-30 -q -o "$WORK/report.html")")
printf '%-8s %10s %12s   %s\n' case "wall_s" "peak_rss_MiB" "all runs (s)"
for line in "${lines[@]}"; do
  echo "$line" | awk '{printf "%-8s %10.3f %12.0f   ", $1, $2, $3/1024; for (i = 4; i <= NF; i++) printf "%s ", $i; printf "\n"}'
done
echo "labels: $(find "$WORK/svg" -name '*.svg' | wc -l) svg files ($(du -sm "$WORK/svg" | cut -f1) MB), $(find "$WORK/pdf" -name '*.pdf' | wc -l) pdf files ($(du -sm "$WORK/pdf" | cut -f1) MB), labels.pdf $(du -m "$WORK/labels.pdf" | cut -f1) MB"
echo "report.html: $(stat -c %s "$WORK/report.html") bytes"
