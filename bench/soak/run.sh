#!/usr/bin/env bash
# Soak: a real Postern (Release, SQLite in a temp folder) under a mix of app requests through the proxy with a
# signed-in session, password sign-ins and JWT-SVID issuances through `postern agent`'s Workload API, at 80 %
# of the mix's measured capacity for MINUTES (default 30), while the jwt and workload authorities rotate
# through every phase by the CLI (one step every ROTATE_STEP seconds, the authorities in turn).
#
# The app behind the proxy answers 200 only to an assertion that verifies against the published key set, and
# every SVID is verified against the workload key set, so a rotation that broke verifiers shows as failures.
# Every 10 s: each kind's rate and p99 (latency.csv) and the server's and the agent's RSS, private memory,
# threads and open fds from /proc (process.csv). At the end, a least-squares slope over the second half of each
# of these; the run FAILS (exit 1, naming what) when a request failed or a figure grew without bound (the
# limits are in bench/Postern.Bench.Soak/GrowthLimit.cs and docs/performance.md).
#
# usage: bench/soak/run.sh [MINUTES]
# env:   CAPACITY_SECONDS=45 (measured after a 10 s warm-up)  LOAD=0.8 (share of capacity)  ROTATE_STEP=90 (s)
#        OUT=/tmp/postern-soak-<time> (the run's CSVs, logs and summary; kept)  KEEP_TMP=1 (keep the store)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINUTES="${1:-30}"
case "$MINUTES" in -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
[[ "$MINUTES" =~ ^[0-9]+$ ]] && [ "$MINUTES" -ge 1 ] || { printf 'MINUTES must be a whole number of minutes, at least 1: %s\n' "$MINUTES" >&2; exit 2; }
CAPACITY_SECONDS="${CAPACITY_SECONDS:-45}"
LOAD="${LOAD:-0.8}"
ROTATE_STEP="${ROTATE_STEP:-90}"
OUT="${OUT:-/tmp/postern-soak-$(date -u +%Y%m%dT%H%M%S)}"
mkdir -p "$OUT"

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
bench_tmp soak

build_cli
dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench.Soak" >/dev/null
soak=(dotnet "$repo/bench/Postern.Bench.Soak/bin/Release/net10.0/Postern.Bench.Soak.dll")

port="$(free_port)"
upstream_port="$(free_port)"
server="https://127.0.0.1:$port"
config="$TMP/postern.yaml"
cat >"$config" <<YAML
cluster_name: soak.example.com
listen_addr: 127.0.0.1:$port
public_addr: $server
data_dir: $TMP/data
apps:
  - name: soak
    uri: http://127.0.0.1:$upstream_port
    public_addr: soak.localhost
YAML
start_postern "$config" "$OUT/postern.log" "$server"
export SOAK_SERVER="$server" SOAK_CA="$TMP/data/tls/cert.pem"
"${soak[@]}" upstream "$upstream_port" soak.example.com "http://127.0.0.1:$upstream_port" >"$OUT/upstream.log" 2>&1 &
pids+=($!)

write_policy "$TMP/policy.yaml"
"${cli[@]}" create -f "$TMP/policy.yaml" --config "$config" >/dev/null
export SOAK_USER=soak SOAK_PASSWORD="soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$SOAK_PASSWORD" | "${cli[@]}" users add "$SOAK_USER" --roles access --password-stdin --config "$config" >/dev/null
token="$(bot_token "$config" soak)"

socket="$TMP/agent.sock"
"${cli[@]}" agent --server "$server" --join-token "$token" --socket "$socket" \
  --data-dir "$TMP/agent" --ca-file "$SOAK_CA" >"$OUT/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
for _ in $(seq 150); do [ -S "$socket" ] && break; sleep 0.2; done
[ -S "$socket" ] || { log "the agent did not start; see $OUT/agent.log"; exit 1; }

log "signing in and opening the app session"
cookie="$(app_session_cookie "$server" soak.localhost "$SOAK_USER" "$SOAK_PASSWORD" "$TMP/cookies" -k)"
[ -n "$cookie" ] || { log "no app session cookie; see $OUT/postern.log"; exit 1; }
export SOAK_APP="https://soak.localhost:$port/" SOAK_COOKIE="$cookie" SOAK_SOCKET="$socket"
export SOAK_TRUST_DOMAIN=soak.example.com SOAK_WORKLOAD_JWKS="$server/workload-identity/jwt-jwks.json"
export SOAK_SERVER_PID="$POSTERN_PID" SOAK_AGENT_PID="$agent_pid"

log "capacity of the mix: full load, 10 s warm-up + ${CAPACITY_SECONDS} s"
"${soak[@]}" capacity "$CAPACITY_SECONDS" "$OUT" >"$OUT/capacity.txt"
cat "$OUT/capacity.txt" >&2
rate() { awk -v k="$1" -v l="$LOAD" '$1 == k { printf "%.1f", $2 * l }' "$OUT/capacity.txt"; }
app_rate="$(rate App)" signin_rate="$(rate SignIn)" svid_rate="$(rate Svid)"

log "soak: $MINUTES min at ${LOAD} of capacity: app $app_rate/s, sign-in $signin_rate/s, SVID $svid_rate/s; a rotation step every ${ROTATE_STEP}s"
"${soak[@]}" run "$((MINUTES * 60))" "$OUT" "$app_rate" "$signin_rate" "$svid_rate" >"$OUT/run.log" 2>&1 &
run_pid=$!
pids+=("$run_pid")

# The rotations: jwt init → update_clients → standby, then the same for workload, and again, until the run ends.
: >"$OUT/rotations.log"
rotation_failures=0
steps=(init update_clients standby)
step=0
while kill -0 "$run_pid" 2>/dev/null; do
  sleep "$ROTATE_STEP" & wait $! || true
  kill -0 "$run_pid" 2>/dev/null || break
  authority="$([ $(((step / 3) % 2)) -eq 0 ] && echo jwt || echo workload)"
  phase="${steps[$((step % 3))]}"
  printf '%s %s → %s\n' "$(date -u +%H:%M:%S)" "$authority" "$phase" >>"$OUT/rotations.log"
  if ! "${cli[@]}" ca rotate --type "$authority" --manual --phase "$phase" --config "$config" >>"$OUT/rotations.log" 2>&1; then
    rotation_failures=$((rotation_failures + 1))
    printf 'FAILED\n' >>"$OUT/rotations.log"
  fi
  step=$((step + 1))
done
wait "$run_pid" || { log "the load driver failed; see $OUT/run.log"; exit 1; }

rotated="$("${cli[@]}" audit search --type ca.rotated --limit 100000 --format json --config "$config" | wc -l)"
"${cli[@]}" ca ls --config "$config" >"$OUT/ca.txt" 2>&1 || true
status=0
{
  echo "Soak of $MINUTES min on $(nproc) CPUs ($(date -u +%Y-%m-%d)), load generator on the same machine."
  echo
  echo "| kind | capacity in the mix (/s) | soak rate, ${LOAD} of it (/s) |"
  echo "|---|---:|---:|"
  awk -v l="$LOAD" '{ printf "| %s | %s | %.1f |\n", $1, $2, $2 * l }' "$OUT/capacity.txt"
  echo
  echo "Requests that failed at full load (capacity phase, not counted in the verdict): $(awk '{ s += $3 } END { print s + 0 }' "$OUT/capacity.txt")."
  echo "Rotation steps: $step taken ($(( step / 3 )) full rotations), $rotation_failures failed; ca.rotated audit events: $rotated."
  echo
  "${soak[@]}" analyze "$OUT"
} | tee "$OUT/summary.md" || status=$?
if [ "$rotation_failures" -gt 0 ]; then
  log "FAIL: $rotation_failures rotation steps failed (see $OUT/rotations.log)"; status=1
fi
# The capacity phase is an overload by design (its failures — timeouts of a starved machine, the sign-in door's 429
# when its hashing queue is full — are what overload looks like): they are reported; the verdict is the soak's.
capacity_failures="$(awk '{ s += $3 } END { print s + 0 }' "$OUT/capacity.txt")"
[ "$capacity_failures" -eq 0 ] || log "note: $capacity_failures requests failed at full load while measuring capacity (see $OUT/capacity-errors.log)"
log "figures in $OUT"
exit "$status"
