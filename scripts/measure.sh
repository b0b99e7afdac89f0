# measure NAME COMMAND...: runs COMMAND $RUNS times under /usr/bin/time -v (its stdout
# discarded, its stderr in $WORK/time.txt) and prints "NAME median_wall_s median_peak_rss_KiB
# every wall time". Sourced by the bench-*.sh scripts.
measure() { # name, command...
  local name=$1; shift
  local walls=() rss=()
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -v "$@" 2> "$WORK/time.txt" > /dev/null
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); if (length(a)==3) print a[1]*3600+a[2]*60+a[3]; else print a[1]*60+a[2]}' "$WORK/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")")
  done
  local med_wall med_rss
  med_wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  med_rss=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name ${med_wall} ${med_rss} ${walls[*]}"
}

