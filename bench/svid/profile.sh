#!/usr/bin/env bash
# Where a JWT-SVID issuance's CPU goes: starts Postern as run.sh does, warms up, then under the same wrk load records
# the server with `perf record -g` (JIT-compiled frames named through DOTNET_PerfMapEnabled) and prints the CPU µs per
# issuance by thread and by part of the path (bench/svid/cpu_parts.py: each sample goes to the part named by the frame
# nearest its leaf).
#
# usage: bench/svid/profile.sh
# env:   DURATION=8 (seconds) MIN_WARMUP=10 MAX_WARMUP=90 (seconds; the warm-up lasts until the JIT is done, see
#        warmup.sh)
#        CONNECTIONS=32 ALG=ES256 KEEP_TMP=1
#        FLOOR=1: profile the floor (run.sh's bare endpoint that only signs) instead, to subtract part by part;
#        FLOOR=audit: the floor with the audit (each request also records a durable audit event)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-8}"
CONNECTIONS="${CONNECTIONS:-32}"
ALG="${ALG:-ES256}"
[ "${1:-}" = -h ] || [ "${1:-}" = --help ] && { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
# shellcheck source=warmup.sh
source "$repo/bench/svid/warmup.sh"
need_wrk
command -v perf >/dev/null || { log "perf is needed (apt-get install linux-perf)"; exit 1; }
bench_tmp svid-profile
build_cli

export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 # JIT-compiled frames named in /tmp/perf-PID.map
if [ -z "${FLOOR:-}" ]; then
  start_svid_postern "$ALG"
else
  dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench" >/dev/null
  export BOT_CREDENTIAL=unchecked # issue.lua sends it; the floor reads no credential
  floor_port="$(free_port)"
  SVID_URL="http://127.0.0.1:$floor_port/v1/workload-identity/jwt-svids"
  audit_dir=()
  [ "$FLOOR" != audit ] || audit_dir=("$TMP/floor-audit")
  dotnet "$repo/bench/Postern.Bench/bin/Release/net10.0/Postern.Bench.dll" signing-server "$floor_port" "$ALG" "${audit_dir[@]}" >"$TMP/floor.log" 2>&1 &
  POSTERN_PID=$!
  pids+=("$POSTERN_PID")
  for _ in $(seq 150); do curl -fs -X POST "$SVID_URL" >/dev/null 2>&1 && break; sleep 0.2; done
fi
load() { wrk -t2 -c"$CONNECTIONS" -d"$1" -s "$repo/bench/svid/issue.lua" "$SVID_URL"; }

load_seconds() { load "$1s"; }
warm_up "$POSTERN_PID" load_seconds

# CPU ticks by thread name (numbers at the end of a name dropped: the pool's workers count as one).
threads() {
  for t in /proc/"$POSTERN_PID"/task/*; do
    printf '%s\t%s\n' "$(sed 's/[0-9]*$//' "$t/comm")" "$(awk '{ split($0, a, ") "); split(a[2], f, " "); print f[12] + f[13] }' "$t/stat")"
  done | awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' | sort
}

log "issuance under perf ($DURATION s, $CONNECTIONS connections)"
threads >"$TMP/threads.0"
cpu_before="$(cpu_seconds "$POSTERN_PID")"
perf record -F 1999 -g -p "$POSTERN_PID" -o "$TMP/perf.data" -- sleep "$DURATION" 2>"$TMP/perf.err" &
perf_pid=$!
load "${DURATION}s" >"$TMP/wrk.txt"
wait "$perf_pid" || true
cpu_after="$(cpu_seconds "$POSTERN_PID")"
threads >"$TMP/threads.1"
requests="$(awk '/requests in/ { print $1 }' "$TMP/wrk.txt")"
per_request="$(awk -v a="$cpu_after" -v b="$cpu_before" -v n="$requests" 'BEGIN { printf "%.0f", (a - b) * 1e6 / n }')"

echo
echo "$ALG: $(awk '/Requests\/sec/ { print $2 }' "$TMP/wrk.txt") issuances/s, Postern $per_request µs of CPU per issuance (perf's own cost included)"
echo "by thread (µs per issuance):"
join -t$'\t' "$TMP/threads.0" "$TMP/threads.1" | awk -F'\t' -v n="$requests" -v hz="$(getconf CLK_TCK)" \
  '$3 > $2 { printf "  %-24s %6.1f\n", $1, ($3 - $2) / hz * 1e6 / n }'
echo "by part of the path (share of the samples, and µs per issuance at $per_request):"
perf script -i "$TMP/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$TMP/perf.txt"
python3 "$repo/bench/svid/cpu_parts.py" "$TMP/perf.txt" "$per_request"
