#!/usr/bin/env bash
# JWT-SVID issuance benchmark: end-to-end issuances per second over the HTTP API (a bot's credential,
# policy evaluation, RS256 signing, the jwt_svid.issued audit event made durable before the answer),
# against the machine's raw RSA-2048 signing rate with every core busy, measured in the same run. Also
# measured under the same load: the floor, a bare Kestrel endpoint that answers each request with one
# signature and nothing else (what HTTP and the load generator leave of the raw rate); that endpoint with the
# audit of an issuance added (the audit's part of the CPU beyond the floor, apart from the request's); with the
# audit's journal alone (nothing indexed); and with a bare durable write (a fixed line, one pwrite and one
# fdatasync per group: the machine's own price for "durable before the answer").
#
# usage: bench/svid/run.sh [--quick]     (--quick: 3 s runs)
# env:   DURATION=10s CONNECTIONS=32 THREADS=2 KEEP_TMP=1 ALG=RS256 (or ES256: the workload authority's key,
#        the raw rate's and the floor's signatures)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ALG="${ALG:-RS256}"
for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=3s ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
  esac
done
seconds="${DURATION%s}"

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
# shellcheck source=warmup.sh
source "$repo/bench/svid/warmup.sh"
need_wrk

bench_tmp svid

build_cli
dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench" >/dev/null
bench=(dotnet "$repo/bench/Postern.Bench/bin/Release/net10.0/Postern.Bench.dll")

start_svid_postern "$ALG"

# load URL DURATION [wrk options]: the issuance requests of issue.lua against URL.
load() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" -s "$repo/bench/svid/issue.lua" "${@:3}" "$1"; }
load_seconds() { load "$1" "$2s"; } # load_seconds URL SECONDS, for warm_up
url="$SVID_URL"

# Until tiered compilation (with its profile-guided rejits) has settled: the figure is the steady state.
warm_up "$POSTERN_PID" load_seconds "$url"

# The machine's speed drifts (shared, noisy): the baseline is measured before and after the issuance run
# and averaged.
log "raw $ALG signing, every core busy ($DURATION)"
raw_before="$("${bench[@]}" raw-sign-rate "$seconds" "$(nproc)" "$ALG")"

log "issuance over HTTP ($DURATION, $CONNECTIONS connections)"
server_cpu_before="$(cpu_seconds "$POSTERN_PID")"
TIMEFORMAT='%U %S'
{ time load "$url" "$DURATION" --latency >"$TMP/wrk.txt" 2>"$TMP/wrk.err"; } 2>"$TMP/wrk.time"
server_cpu="$(awk -v a="$(cpu_seconds "$POSTERN_PID")" -v b="$server_cpu_before" 'BEGIN { printf "%.1f", a - b }')"
wrk_cpu="$(awk '{ printf "%.1f", $1 + $2 }' "$TMP/wrk.time")"

# The floor: the same requests, answered by a bare Kestrel endpoint with one signature each; then the same endpoint
# with the audit as an issuance keeps it (an event of the same size through Postern's AuditLog, its journal and a
# SQLite store, durable before the answer), which splits the CPU beyond the floor into the audit's part and the rest.
# A third run keeps the journal and indexes nothing: the durable write's part alone. A fourth makes a fixed line
# durable with no log at all (one pwrite and one fdatasync per group): the machine's own cost of the promise.
# floor_server DESCRIPTION [AUDIT_DIR [journal-only]]: sets FLOOR_RATE and FLOOR_CPU (empty when the server did not
# answer).
floor_server() {
  local port url pid up=""
  port="$(free_port)"
  url="http://127.0.0.1:$port/v1/workload-identity/jwt-svids"
  "${bench[@]}" signing-server "$port" "$ALG" "${@:2}" >"$TMP/floor-$port.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  FLOOR_RATE=""; FLOOR_CPU=""
  for _ in $(seq 150); do curl -fs -X POST "$url" >/dev/null 2>&1 && { up=1; break; }; sleep 0.2; done
  if [ -n "$up" ]; then
    log "$1 ($DURATION)"
    warm_up "$pid" load_seconds "$url"
    local cpu_before
    cpu_before="$(cpu_seconds "$pid")"
    load "$url" "$DURATION" >"$TMP/floor-$port.txt" 2>&1
    FLOOR_CPU="$(awk -v a="$(cpu_seconds "$pid")" -v b="$cpu_before" 'BEGIN { printf "%.1f", a - b }')"
    FLOOR_RATE="$(awk '/Requests\/sec/ { print $2 }' "$TMP/floor-$port.txt")"
  else
    log "the floor server did not answer; see $TMP/floor-$port.log"
  fi
  kill "$pid" 2>/dev/null || true
}
floor_server "floor: one signature per request, nothing else"
floor="$FLOOR_RATE"; floor_cpu="$FLOOR_CPU"
floor_server "floor with the audit: one signature and one durable audit event per request" "$TMP/floor-audit"
floor_audit="$FLOOR_RATE"; floor_audit_cpu="$FLOOR_CPU"
floor_server "floor with the journal alone: one signature and one event durable in the journal, not indexed" "$TMP/floor-journal" journal-only
floor_journal="$FLOOR_RATE"; floor_journal_cpu="$FLOOR_CPU"
floor_server "floor with a bare durable write: one signature and one fixed line made durable (pwrite + fdatasync per group), nothing else" "$TMP/floor-bare" bare-fsync
floor_bare="$FLOOR_RATE"; floor_bare_cpu="$FLOOR_CPU"

log "raw $ALG signing again ($DURATION)"
raw_after="$("${bench[@]}" raw-sign-rate "$seconds" "$(nproc)" "$ALG")"
raw="$(awk -v a="$raw_before" -v b="$raw_after" 'BEGIN { printf "%.0f", (a + b) / 2 }')"
issued="$(awk '/Requests\/sec/ { print $2 }' "$TMP/wrk.txt")"
p99="$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")"
non2xx="$(awk '/Non-2xx/ { print $5 }' "$TMP/wrk.txt")"
if [ -s "$TMP/wrk.err" ]; then log "errors:"; head -5 "$TMP/wrk.err" >&2; fi

# Every issuance must be audited: the count of events equals the count of 200 answers (warm-up included).
# The admin API answers at most 10,000 events a page; older pages are read with --before the first line's id.
events=0; before=""
while :; do
  page="$("${cli[@]}" audit search --type jwt_svid.issued --limit 10000 --format json --config "$TMP/postern.yaml" ${before:+--before "$before"})"
  n="$(printf '%s' "$page" | grep -c . || true)"
  events=$((events + n))
  [ "$n" -lt 10000 ] && break
  first="${page%%$'\n'*}"
  before="$(sed -n 's/^{"type":"[^"]*","time":"[^"]*","id":"\([^"]*\)".*/\1/p' <<<"$first")" # type, time, id lead every line
done

cpus="$(nproc)"
ratio="$(awk -v a="$issued" -v b="$raw" 'BEGIN { printf "%.2f", a / b }')"
floor_ratio="$(awk -v a="$floor" -v b="$raw" 'BEGIN { if (a == "") print "–"; else printf "%.2f", a / b }')"
echo
echo "| measure (${DURATION}, ${cpus} CPUs, load generator on the same machine) | per second | ratio |"
echo "|---|---:|---:|"
echo "| raw $ALG signatures, ${cpus} threads (baseline: mean of $raw_before before and $raw_after after) | $raw | 1.00 |"
echo "| JWT-SVIDs issued over HTTP, audit included (p99 $p99${non2xx:+, $non2xx non-2xx}) | $issued | $ratio |"
echo "| floor: bare Kestrel, one signature per request, nothing else | ${floor:-–} | $floor_ratio |"
echo "| floor with the audit: the same, and one event durable before the answer | ${floor_audit:-–} | $(awk -v a="$floor_audit" -v b="$raw" 'BEGIN { if (a == "") print "–"; else printf "%.2f", a / b }') |"
echo "| floor with the journal alone: the event durable, not indexed (no search) | ${floor_journal:-–} | $(awk -v a="$floor_journal" -v b="$raw" 'BEGIN { if (a == "") print "–"; else printf "%.2f", a / b }') |"
echo "| floor with a bare durable write: a fixed line, pwrite + fdatasync per group, no log | ${floor_bare:-–} | $(awk -v a="$floor_bare" -v b="$raw" 'BEGIN { if (a == "") print "–"; else printf "%.2f", a / b }') |"
echo
echo "CPU seconds during the issuance run: Postern $server_cpu, wrk $wrk_cpu (of $(awk -v c="$cpus" -v d="$seconds" 'BEGIN { print c * d }') available)"
# CPU time per request moves less with the machine's load than rates do: one signature with every core busy
# takes cpus / raw seconds of CPU; what a server spends beyond that is its own per-request work.
per_request() { awk -v cpu="$1" -v rate="$2" -v d="$seconds" 'BEGIN { if (cpu == "" || rate == "") print "–"; else printf "%.0f", cpu * 1e6 / (rate * d) }'; }
postern_us="$(per_request "$server_cpu" "$issued")"
floor_us="$(per_request "${floor_cpu:-}" "$floor")"
echo "CPU µs per request: one raw signature $(awk -v c="$cpus" -v r="$raw" 'BEGIN { printf "%.0f", c * 1e6 / r }'), Postern $postern_us, floor server $floor_us, Postern beyond the floor $(awk -v p="$postern_us" -v f="$floor_us" 'BEGIN { if (f == "–") print "–"; else printf "%.0f", p - f }')"
floor_audit_us="$(per_request "${floor_audit_cpu:-}" "$floor_audit")"
echo "of which the audit (floor with the audit beyond the floor) $(awk -v p="$floor_audit_us" -v f="$floor_us" 'BEGIN { if (f == "–" || p == "–") print "–"; else printf "%.0f", p - f }'), the rest of an issuance $(awk -v a="$postern_us" -v p="$floor_audit_us" 'BEGIN { if (p == "–") print "–"; else printf "%.0f", a - p }')"
floor_journal_us="$(per_request "${floor_journal_cpu:-}" "$floor_journal")"
echo "of the audit, the journal alone (floor with the journal beyond the floor) $(awk -v p="$floor_journal_us" -v f="$floor_us" 'BEGIN { if (f == "–" || p == "–") print "–"; else printf "%.0f", p - f }')"
echo "floor with the audit / floor: $(awk -v a="$floor_audit" -v b="$floor" 'BEGIN { if (a == "" || b == "") print "–"; else printf "%.2f", a / b }')"
floor_bare_us="$(per_request "${floor_bare_cpu:-}" "$floor_bare")"
echo "a bare durable write (floor with it beyond the floor) $(awk -v p="$floor_bare_us" -v f="$floor_us" 'BEGIN { if (f == "–" || p == "–") print "–"; else printf "%.0f", p - f }')"
echo "floor with a bare durable write / floor: $(awk -v a="$floor_bare" -v b="$floor" 'BEGIN { if (a == "" || b == "") print "–"; else printf "%.2f", a / b }')"
echo "floor with the journal alone / floor: $(awk -v a="$floor_journal" -v b="$floor" 'BEGIN { if (a == "" || b == "") print "–"; else printf "%.2f", a / b }')"
echo "issuance / floor: $(awk -v a="$issued" -v b="$floor" 'BEGIN { if (b == "") print "–"; else printf "%.2f", a / b }')"
echo "audit events jwt_svid.issued in the store: $events"
