#!/usr/bin/env bash
# Makes the README's images with the commands the README documents:
#   docs/label.png   the label of PLANT-A/SWGR-A1 exactly as `labels --format png` writes it
#   docs/report.png  the top of `report`'s page, screenshot by headless Chromium
# Needs chromium (Debian package `chromium`; .ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin voltmetrics
BIN="${CARGO_TARGET_DIR:-target}/debug/voltmetrics"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Exit 3: the fixture has invalid rows on purpose (they get no label).
"$BIN" labels fixtures/inventory.csv --as-of 2026-06-30 -o "$WORK/png" --format png -q || [ $? -eq 3 ]
cp "$WORK/png/PLANT-A/SWGR-A1.png" docs/label.png

"$BIN" report fixtures/inventory.csv --as-of 2026-06-30 -o "$WORK/report.html" -q
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$WORK/profile" --window-size=1000,1250 \
  --screenshot="$WORK/report.png" "file://$WORK/report.html" 2>/dev/null
cp "$WORK/report.png" docs/report.png
echo "docs/label.png docs/report.png"
