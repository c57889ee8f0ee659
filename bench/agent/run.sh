#!/usr/bin/env bash
# Workload API latency: FetchJWTSVID answered from the agent's cache, over its Unix socket, against the
# same call refused at the door (no security header) on the same socket and channel — the cost of gRPC
# over the socket with no agent work. Starts Postern and `postern agent` (Release), a role, a workload
# identity and a bot; prints a markdown table (p50, p99, p99.9 and the p99 ratio).
#
# usage: bench/agent/run.sh [--quick]     (--quick: 3 s runs)
# env:   DURATION=10 (seconds)  CLIENTS=1  KEEP_TMP=1
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10}"
CLIENTS="${CLIENTS:-1}"
for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=3 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
  esac
done

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
bench_tmp agent

build_cli
dotnet build -c Release -nologo -v quiet "$repo/bench/Postern.Bench.WorkloadClient" >/dev/null

port="$(free_port)"
cat >"$TMP/postern.yaml" <<YAML
cluster_name: bench.example.com
listen_addr: 127.0.0.1:$port
public_addr: https://127.0.0.1:$port
data_dir: $TMP/data
YAML
write_policy "$TMP/policy.yaml"
start_postern "$TMP/postern.yaml" "$TMP/postern.log" "https://127.0.0.1:$port"
"${cli[@]}" create -f "$TMP/policy.yaml" --config "$TMP/postern.yaml" >/dev/null
token="$(bot_token "$TMP/postern.yaml" bench)"
socket="$TMP/agent.sock"
"${cli[@]}" agent --server "https://127.0.0.1:$port" --join-token "$token" --socket "$socket" \
  --data-dir "$TMP/agent" --ca-file "$TMP/data/tls/cert.pem" >"$TMP/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do [ -S "$socket" ] && break; sleep 0.2; done
[ -S "$socket" ] || { log "the agent did not start; see $TMP/agent.log"; exit 1; }

log "measuring ($DURATION s, $CLIENTS client(s))"
echo
dotnet "$repo/bench/Postern.Bench.WorkloadClient/bin/Release/net10.0/Postern.Bench.WorkloadClient.dll" "$socket" "$DURATION" "$CLIENTS"
