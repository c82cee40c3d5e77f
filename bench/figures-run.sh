# Sourced by bench/run-*-figures.sh: one bench/load run, its table rows appended to a file and the machine's load
# average before and after it recorded. Uses the caller's $log (full output), $loads (the load table) and $failed.
#   run ROWS_FILE <bench/load arguments...>
run() {
  local rows=$1 before after out
  shift
  before=$(cut -d' ' -f1 /proc/loadavg)
  echo "running: $* (load average $before; full output in $log)" >&2
  out=$(mktemp -t figures-run.XXXXXX)
  if ! dotnet run --no-build -c Release --project bench/load -- "$@" >"$out" 2>&1; then
    echo "FAILED: $* (see $log)" >&2
    failed=true
  fi
  after=$(cut -d' ' -f1 /proc/loadavg)
  echo "| $* | $before | $after |" >>"$loads"
  cat "$out" >>"$log"
  # This run's table rows (every line of a table but its headers and separators).
  grep '^| ' "$out" | grep -v -E '^\| (scenario|circuits on) \|' >>"$rows" || true
  rm -f "$out"
}
