#!/usr/bin/env bash
# Builds of Postern side by side, and the floor: CPU µs per JWT-SVID issuance of each, measured in turns (A, B, ...,
# floor, A, B, ..., floor, ...) so that the machine's drift falls on all of them alike. For a before/after of one
# change: build, copy src/Postern.Cli/bin/Release/net10.0 aside, change, build, copy again, then
#   bash bench/svid/ab.sh /tmp/before /tmp/after
# Each turn loads one server with wrk while the others idle; a server's CPU comes from /proc and its context
# switches from `perf stat`, each divided by the requests it answered in that turn. A file `ab.env` in a build's
# folder (KEY=VALUE lines) is that server's environment, e.g. to try a runtime setting. Read the medians at the end.
#
# usage: bench/svid/ab.sh DIR...      (folders holding a build's postern.dll)
# env:   ROUNDS=5 SECONDS_PER_TURN=6 CONNECTIONS=32 ALG=RS256 (or ES256) MIN_WARMUP=10 MAX_WARMUP=90 (each server
#        is warmed up until the JIT is done with it, see warmup.sh)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
for dir in "$@"; do [ -f "$dir/postern.dll" ] || { printf 'no postern.dll in %s\n' "$dir" >&2; usage; }; done
ROUNDS="${ROUNDS:-5}"
TURN="${SECONDS_PER_TURN:-6}"
CONNECTIONS="${CONNECTIONS:-32}"
ALG="${ALG:-RS256}"

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
# shellcheck source=warmup.sh
source "$repo/bench/svid/warmup.sh"
need_wrk
bench_tmp svid-ab
dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench" >/dev/null

declare -A url pid cred
names=()
letters=(A B C D E F G H)
i=0
for dir in "$@"; do
  name="${letters[$i]}"
  names+=("$name")
  saved_tmp="$TMP"
  TMP="$saved_tmp/$name"
  mkdir -p "$TMP"
  environment=()
  [ ! -f "$dir/ab.env" ] || mapfile -t environment <"$dir/ab.env"
  cli=(env "${environment[@]}" dotnet "$dir/postern.dll")
  start_svid_postern "$ALG"
  url[$name]="$SVID_URL"; pid[$name]="$POSTERN_PID"; cred[$name]="$BOT_CREDENTIAL"
  TMP="$saved_tmp"
  log "$name: $dir${environment[*]:+ (${environment[*]})}"
  i=$((i + 1))
done

floor_port="$(free_port)"
url[floor]="http://127.0.0.1:$floor_port/v1/workload-identity/jwt-svids"
cred[floor]=none
dotnet "$repo/bench/Postern.Bench/bin/Release/net10.0/Postern.Bench.dll" signing-server "$floor_port" "$ALG" >"$TMP/floor.log" 2>&1 &
pid[floor]=$!
pids+=("${pid[floor]}")
for _ in $(seq 150); do curl -fs -X POST "${url[floor]}" >/dev/null 2>&1 && break; sleep 0.2; done
names+=(floor)

# turn NAME SECONDS: loads server NAME; prints its CPU µs per request, requests per second and context switches per request.
turn() {
  local before after perf_pid
  before="$(cpu_seconds "${pid[$1]}")"
  perf stat -e context-switches -x, -o "$TMP/perf.csv" -p "${pid[$1]}" -- sleep "$2" 2>/dev/null &
  perf_pid=$!
  BOT_CREDENTIAL="${cred[$1]}" wrk -t2 -c"$CONNECTIONS" -d"$2s" -s "$repo/bench/svid/issue.lua" "${url[$1]}" >"$TMP/wrk.txt" 2>"$TMP/wrk.err"
  after="$(cpu_seconds "${pid[$1]}")"
  wait "$perf_pid" || true
  [ ! -s "$TMP/wrk.err" ] || { log "errors from $1:"; head -3 "$TMP/wrk.err" >&2; }
  awk -v a="$after" -v b="$before" -v cs="$(awk -F, '/context-switches/ { print $1 }' "$TMP/perf.csv")" \
    '/requests in/ { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%.0f %.0f %.2f", (a - b) * 1e6 / n, r, cs / n }' "$TMP/wrk.txt"
}

for name in "${names[@]}"; do log "warming $name up"; warm_up "${pid[$name]}" turn "$name"; done

printf '| round |'; printf ' %s: µs per request (/s, context switches) |' "${names[@]}"; printf ' load |\n|---|'; printf -- '---:|%.0s' "${names[@]}"; printf -- '---:|\n'
for r in $(seq "$ROUNDS"); do
  printf '| %s |' "$r"
  for name in "${names[@]}"; do
    read -r us rate cs <<<"$(turn "$name" "$TURN")"
    printf ' %s (%s, %s) |' "$us" "$rate" "$cs"
    echo "$us $rate" >>"$TMP/$name.rounds"
  done
  printf ' %s |\n' "$(cut -d' ' -f1 /proc/loadavg)"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
floor_us="$(cut -d' ' -f1 "$TMP/floor.rounds" | median)"
floor_rate="$(cut -d' ' -f2 "$TMP/floor.rounds" | median)"
echo
echo "$ALG, medians of $ROUNDS rounds: floor $floor_us µs per request ($floor_rate/s)"
for name in "${names[@]}"; do
  [ "$name" = floor ] && continue
  us="$(cut -d' ' -f1 "$TMP/$name.rounds" | median)"
  rate="$(cut -d' ' -f2 "$TMP/$name.rounds" | median)"
  awk -v n="$name" -v u="$us" -v r="$rate" -v fu="$floor_us" -v fr="$floor_rate" \
    'BEGIN { printf "  %s: %s µs per issuance, %s beyond the floor; %s/s, %.2f of the floor'"'"'s rate\n", n, u, u - fu, r, r / fr }'
done
