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

# The machine's speed per core when the figures were taken: one RSA-2048 signature's time by `openssl speed` (two
# seconds on one core). This machine is a VM whose per-core speed moves with its neighbours (322 µs on a quiet
# 2026-12-03, 396 µs at 2026-12-04 16:00), and every checkout signs one: figures from different hours compare only
# beside this reading.
rsa_sign_us() {
  openssl speed -seconds 2 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {printf "%.0f", $4 * 1000000}'
}
