#!/usr/bin/env bash
# JWT-SVID issuance benchmark: end-to-end issuances per second over the HTTP API (a bot's credential,
# policy evaluation, RS256 signing, the jwt_svid.issued audit event made durable before the answer),
# against the machine's raw RSA-2048 signing rate with every core busy, measured in the same run.
#
# usage: bench/svid/run.sh [--quick]     (--quick: 3 s runs)
# env:   DURATION=10s CONNECTIONS=32 THREADS=2 KEEP_TMP=1
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=3s ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
  esac
done
seconds="${DURATION%s}"

log() { printf '== %s\n' "$*" >&2; }
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

TMP="$(mktemp -d /tmp/postern-svid-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_TMP:-}" ] && log "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

log "building (Release)"
dotnet build -c Release -nologo -v quiet "$repo/src/Postern.Cli" >/dev/null
dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench" >/dev/null
cli=(dotnet "$repo/src/Postern.Cli/bin/Release/net10.0/postern.dll")
bench=(dotnet "$repo/bench/Postern.Bench/bin/Release/net10.0/Postern.Bench.dll")

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$TMP/postern.yaml" <<YAML
cluster_name: bench.example.com
listen_addr: 127.0.0.1:$port
public_addr: http://127.0.0.1:$port
data_dir: $TMP/data
tls: { disabled: true }
YAML
cat >"$TMP/policy.yaml" <<'YAML'
kind: role
version: v1
metadata: { name: workload }
spec:
  allow:
    workload_identity_labels: { "*": "*" }
---
kind: workload_identity
version: v1
metadata: { name: by-uid }
spec:
  spiffe: { id: "/uid/{{workload.unix.uid}}" }
YAML
"${cli[@]}" start --config "$TMP/postern.yaml" >"$TMP/postern.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
"${cli[@]}" create -f "$TMP/policy.yaml" --config "$TMP/postern.yaml" >/dev/null
token="$("${cli[@]}" bots add bench --roles workload --format json --config "$TMP/postern.yaml" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
BOT_CREDENTIAL="$(curl -fs "http://127.0.0.1:$port/v1/bots/join" -d "{\"token\":\"$token\"}" | sed -n 's/.*"credential":"\([^"]*\)".*/\1/p')"
export BOT_CREDENTIAL
[ -n "$BOT_CREDENTIAL" ] || { log "could not join; see $TMP/postern.log"; exit 1; }

log "warming up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$repo/bench/svid/issue.lua" "http://127.0.0.1:$port/v1/workload-identity/jwt-svids" >/dev/null 2>&1

# The machine's speed drifts (shared, noisy): the baseline is measured before and after the issuance run
# and averaged.
log "raw RSA-2048 signing, every core busy ($DURATION)"
raw_before="$("${bench[@]}" raw-sign-rate "$seconds")"

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ split($0, a, ") "); split(a[2], f, " "); printf "%.2f", (f[12] + f[13]) / hz }' "/proc/$1/stat"; }
log "issuance over HTTP ($DURATION, $CONNECTIONS connections)"
server_cpu_before="$(cpu_seconds "${pids[0]}")"
TIMEFORMAT='%U %S'
{ time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$repo/bench/svid/issue.lua" "http://127.0.0.1:$port/v1/workload-identity/jwt-svids" >"$TMP/wrk.txt" 2>"$TMP/wrk.err"; } 2>"$TMP/wrk.time"
server_cpu="$(awk -v a="$(cpu_seconds "${pids[0]}")" -v b="$server_cpu_before" 'BEGIN { printf "%.1f", a - b }')"
wrk_cpu="$(awk '{ printf "%.1f", $1 + $2 }' "$TMP/wrk.time")"
log "raw RSA-2048 signing again ($DURATION)"
raw_after="$("${bench[@]}" raw-sign-rate "$seconds")"
raw="$(awk -v a="$raw_before" -v b="$raw_after" 'BEGIN { printf "%.0f", (a + b) / 2 }')"
issued="$(awk '/Requests\/sec/ { print $2 }' "$TMP/wrk.txt")"
p99="$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")"
non2xx="$(awk '/Non-2xx/ { print $5 }' "$TMP/wrk.txt")"
if [ -s "$TMP/wrk.err" ]; then log "errors:"; head -5 "$TMP/wrk.err" >&2; fi

# Every issuance must be audited: the count of events equals the count of 200 answers (warm-up included).
events="$("${cli[@]}" audit search --type jwt_svid.issued --limit 10000000 --format json --config "$TMP/postern.yaml" | wc -l)"

cpus="$(nproc)"
ratio="$(awk -v a="$issued" -v b="$raw" 'BEGIN { printf "%.2f", a / b }')"
echo
echo "| measure (${DURATION}, ${cpus} CPUs, load generator on the same machine) | per second | ratio |"
echo "|---|---:|---:|"
echo "| raw RSA-2048 signatures, ${cpus} threads (baseline: mean of $raw_before before and $raw_after after) | $raw | 1.00 |"
echo "| JWT-SVIDs issued over HTTP, audit included (p99 $p99${non2xx:+, $non2xx non-2xx}) | $issued | $ratio |"
echo
echo "CPU seconds during the issuance run: Postern $server_cpu, wrk $wrk_cpu (of $(awk -v c="$cpus" -v d="$seconds" 'BEGIN { print c * d }') available)"
echo "audit events jwt_svid.issued in the store: $events"
