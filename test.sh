#!/usr/bin/env bash
# Runs Postern's whole test suite: unit, functional (real Kestrel on 127.0.0.1), store conformance,
# and interoperability tests with independent clients (jose, openid-client).
# Installs what the suite needs when it is missing. The last line sums every suite:
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '== %s\n' "$*" >&2; }

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules/.package-lock.json ]; then
  log "installing the interoperability tests' npm packages"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

# A real PostgreSQL for the PostgreSQL store's tests, Debian's Chromium (with playwright-core
# driving it) for the browser sign-in test, SoftHSM2 for the hardware-key tests, and oathtool for the
# second-factor tests, Prometheus (promtool and a real server) for the observability tests, nginx as an app with
# real header limits for the assertion budget tests, and Apache with mod_auth_openidc as an app verifying the assertion
# for the doctor tests: each installed with apt-get when missing.
bash tests/setup/postgres.sh
bash tests/setup/browser.sh
bash tests/setup/softhsm.sh
bash tests/setup/oathtool.sh
bash tests/setup/jq.sh
bash tests/setup/prometheus.sh
bash tests/setup/nginx.sh
bash tests/setup/apache.sh

results=.test-results
rm -rf "$results"
log "building"
dotnet build Postern.slnx -warnaserror -nologo -v quiet
log "testing"
set +e
dotnet test Postern.slnx --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?
set -e

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ]; then log "no test ran"; status=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
