#!/usr/bin/env bash
# LuffyBlazor's one test command. On a fresh machine it installs what the tests need (Chromium and a CJK font for
# the browser tests, PostgreSQL's server for the scale-out tests, the Node peers for the interop tests, the local
# dotnet tools), then runs every test and ends with one line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== system packages"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wenquanyi|noto sans cjk" || missing+=(fonts-wqy-microhei)
# The tests start their own throwaway cluster with initdb/pg_ctl; only the server binaries are needed.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

echo "== node peers (official Alipay and Qiniu SDKs, local S3 server)"
(cd test-support/node && npm ci --no-audit --no-fund --loglevel=error)

echo "== dotnet tools"
dotnet tool restore

echo "== tests"
rm -rf TestResults
status=0
dotnet test LuffyBlazor.sln --configuration Release \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory TestResults "$@" || status=$?

passed=0; failed=0
for trx in TestResults/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "the test run failed before reporting results"; fi
echo "tests: $passed passed, $failed failed"
exit "$status"
