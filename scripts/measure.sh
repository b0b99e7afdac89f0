# bench_setup EXAMPLE...: builds the release binary and the named examples (in $CARGO_TARGET_DIR,
# by default ~/.cache/voltmetrics-release, kept warm between runs) and sets BIN to their
# directory and WORK to $BENCH_DIR (created if missing), else to a new temporary directory.
bench_setup() {
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/voltmetrics-release}"
  local args=(--bin voltmetrics) example
  for example in "$@"; do args+=(--example "$example"); done
  cargo build --release --quiet "${args[@]}"
  BIN="$CARGO_TARGET_DIR/release"
  WORK="${BENCH_DIR:-$(mktemp -d)}"
  mkdir -p "$WORK"
}

# measure NAME COMMAND...: runs COMMAND $RUNS times under /usr/bin/time -v (its stdout
# discarded, its stderr in $WORK/time.txt) and prints "NAME median_wall_s median_peak_rss_KiB
# every wall time". Sourced by the bench-*.sh scripts.
measure() { # name, command...
  local name=$1; shift
  local walls=() rss=()
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -v "$@" 2> "$WORK/time.txt" > /dev/null
    walls+=("$(wall_s "$WORK/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")")
  done
  echo "$name $(median "${walls[@]}") $(median "${rss[@]}") ${walls[*]}"
}

# wall_s FILE: the wall time in seconds of a /usr/bin/time -v report.
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); if (length(a)==3) print a[1]*3600+a[2]*60+a[3]; else print a[1]*60+a[2]}' "$1"
}

# median VALUE...: the median (of an even count, the lower of the two middle values).
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

