#!/usr/bin/env bash
# LuffyBlazor's one test command. On a fresh machine it installs what the tests need (Chromium and a CJK font for
# the browser tests, PostgreSQL's server for the scale-out tests, Node.js and the Node peers for the interop tests,
# the local dotnet tools), then runs every test and ends with one line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== system packages"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wenquanyi|noto sans cjk" || missing+=(fonts-wqy-microhei)
# The tests start their own throwaway cluster with initdb/pg_ctl; only the server binaries are needed.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The certificate-mode tests make their certificate chains with openssl.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

echo "== node.js"
# The peers' lock file needs Node >= 20.18.1 (undici 7, under the official Alipay SDK, will not even load on 18).
# Debian 12 serves Node 18: then Node 20 comes from the npm registry's node-linux-<arch> package, a plain binary,
# into .tools/node (git-ignored), first on PATH for the rest of this script and the tests it runs.
node_is_recent() {
  node -e 'const [major, minor, patch] = process.versions.node.split(".").map(Number);
           process.exit(major > 20 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1))) ? 0 : 1)'
}
if ! node_is_recent; then
  arch=$(uname -m); case "$arch" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
  runtime="$PWD/.tools/node"
  if [ ! -x "$runtime/node_modules/node-linux-$arch/bin/node" ]; then
    echo "node $(node --version) is too old for the peers: installing Node 20 into .tools/node"
    npm install --prefix "$runtime" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@20.20.2"
  fi
  export PATH="$runtime/node_modules/node-linux-$arch/bin:$PATH"
fi
echo "node $(node --version)"

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
# Name the failures last, where a CI log's tail shows them (the console logger's lines are among the app's logs).
if [ "$failed" -gt 0 ] && compgen -G "TestResults/*.trx" >/dev/null; then node test-support/failed-tests.mjs TestResults/*.trx; fi
echo "tests: $passed passed, $failed failed"
exit "$status"
