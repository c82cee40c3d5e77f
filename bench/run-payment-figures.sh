#!/usr/bin/env bash
# The payment write path's figures in one table (bench/README.md, "Payment write path"): first payments, duplicates,
# the mixed storm and checkout; Production and Development settings; warm (after bench/load's warm-up) and cold (a
# fresh app, no warm-up); each sent by bench/load's own .NET client and by the independent Node client
# (bench/peer/storm.mjs on raw sockets; the warm rows also on node:http, the client of the figures before
# 2026-12-04 afternoon, to show what a client's own CPU takes from the app). Every run checks the database
# afterwards; a failed check makes the script fail.
#
#   bench/run-payment-figures.sh [--warm-only | --quick] [options for every run, e.g. --provider postgres]
#
# --warm-only: the warm rows only (Production and Development). --quick: the warm Production rows only, both clients,
# in one app (about 6 minutes on 2 quiet cores): the table bench/README.md compares with the targets.
#
# The machine's 1-minute load average is printed before and after each run: figures taken while other work runs
# are not comparable (take them when it is under ~0.7 on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
warm_only=false
environments=(Production Development)
case "${1:-}" in
  --warm-only) warm_only=true; shift ;;
  --quick) warm_only=true; environments=(Production); shift ;;
esac
command -v node >/dev/null || { echo "node (20 or later) is needed for the independent client" >&2; exit 2; }

log=$(mktemp -t payment-figures.XXXXXX)
rows=$(mktemp -t payment-rows.XXXXXX)
loads=$(mktemp -t payment-loads.XXXXXX)
trap 'rm -f "$rows" "$loads"' EXIT
dotnet build -c Release bench/load -nologo -v quiet >>"$log"

source bench/figures-run.sh
speed_before=$(rsa_sign_us)

failed=false
for environment in "${environments[@]}"; do
  run "$rows" payments --environment "$environment" --client all "$@"
  if ! $warm_only; then
    for part in first-payments duplicates notify checkout; do
      for client in dotnet node; do
        run "$rows" "$part" --environment "$environment" --client "$client" --warmup 0 "$@"
      done
    done
  fi
done

echo
echo "| scenario | settings | start | client | requests | errors | req/s | p50 ms | p95 ms | p99 ms | app CPU µs/request | client CPU µs/request | target |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$rows"
echo
echo "| run | load average before | after |"
echo "|---|---:|---:|"
cat "$loads"
echo
echo "One RSA-2048 signature (openssl speed, one core): ${speed_before} µs before the runs, $(rsa_sign_us) µs after."
echo "$(nproc) cores, $(uname -sr), $(dotnet --version) SDK, node $(node --version); full output: $log"
$failed && exit 1 || exit 0
