#!/usr/bin/env bash
# Issue 20's figures in two tables (bench/README.md, "Shop pages and circuits"):
#   1. GET / and the course page: bench/load's .NET client and the independent Node client (bench/peer/pages.mjs)
#      against the same app process, warm (after bench/load's warm-up) and cold (a fresh app, no warm-up);
#   2. circuit capacity: real Blazor Server circuits on the admin orders grid, the pay-success island and the WeChat
#      QR page's island, each kind in a fresh app of its own (memory freed by one kind's circuits stays with the
#      process and would be reused by the next's: bench/README.md, "Every kind in its own app"), ramped level by level:
#      GC heap, working set and its private part per circuit after a full GC, and a click's latency on the grid.
#
#   bench/run-page-figures.sh [--quick]      # --quick: shorter runs and levels, to check that everything works
#
# Release build, Production settings, a fresh SQLite database per run. The machine's 1-minute load average is
# printed before and after each run: figures taken while other work runs are not comparable (take them when it is
# under ~1 on a 2-core machine). About 10 minutes on 2 quiet cores.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20 cold_seconds=10 levels=25,50,100,200,400,800
if [[ "${1:-}" == "--quick" ]]; then seconds=3 cold_seconds=3 levels=10,20; shift; fi
command -v node >/dev/null || { echo "node (20 or later) is needed for the independent client" >&2; exit 2; }

log=$(mktemp -t page-figures.XXXXXX)
pages=$(mktemp -t page-rows.XXXXXX)
circuits=$(mktemp -t circuit-rows.XXXXXX)
loads=$(mktemp -t page-loads.XXXXXX)
trap 'rm -f "$pages" "$circuits" "$loads"' EXIT
dotnet build -c Release bench/load -nologo -v quiet >>"$log"

failed=false
source bench/figures-run.sh
speed_before=$(rsa_sign_us)

run "$pages" pages --client both --seconds "$seconds" "$@"
for client in dotnet node; do
  run "$pages" pages --client "$client" --warmup 0 --seconds "$cold_seconds" "$@"
done
run "$circuits" circuits --kinds grid --levels "$levels" "$@"
run "$circuits" circuits --kinds island --levels "$levels" "$@"
run "$circuits" circuits --kinds wechat --levels "$levels" "$@"

echo
echo "| scenario | settings | start | client | requests | errors | req/s | p50 ms | p95 ms | p99 ms | app CPU µs/request | client CPU µs/request | target |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$pages"
echo
echo "| circuits on | N | s to open | GC heap after full GC, MB | GC heap KB per circuit | working set, MB | working set KB per circuit (target ≤ 150; Microsoft: 273) | private memory KB per circuit (working set less mapped files) | clicks (failed) | app CPU ms per click | click p50 ms | p95 ms | p99 ms (target < 100) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$circuits"
echo
echo "| run | load average before | after |"
echo "|---|---:|---:|"
cat "$loads"
echo
echo "One RSA-2048 signature (openssl speed, one core): ${speed_before} µs before the runs, $(rsa_sign_us) µs after."
echo "$(nproc) cores, $(uname -sr), $(dotnet --version) SDK, node $(node --version); full output: $log"
$failed && exit 1 || exit 0
