# Shared by the benchmark scripts: logging, free ports, wrk, and a Postern with a workload policy and a
# joined bot. Source it after `set -euo pipefail` and after setting `repo`.

log() { printf '== %s\n' "$*" >&2; }

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

need_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk"
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}

# bench_tmp NAME: a temporary folder in TMP, removed on exit (kept with KEEP_TMP=1) after the processes in
# `pids` are stopped and, when the script defines it, `bench_cleanup` has run.
bench_tmp() {
  TMP="$(mktemp -d "/tmp/postern-$1-bench.XXXXXX")"
  pids=()
  trap _bench_exit EXIT
}
_bench_exit() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if declare -F bench_cleanup >/dev/null; then bench_cleanup; fi
  [ -n "${KEEP_TMP:-}" ] && log "kept $TMP" || rm -rf "$TMP"
}

# cpu_seconds PID: the user and system CPU time the process has used so far, in seconds.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ split($0, a, ") "); split(a[2], f, " "); printf "%.2f", (f[12] + f[13]) / hz }' "/proc/$1/stat"; }

# The CLI, built in Release.
build_cli() {
  log "building (Release)"
  dotnet build -c Release -nologo -v quiet "$repo/src/Postern.Cli" >/dev/null
  cli=(dotnet "$repo/src/Postern.Cli/bin/Release/net10.0/postern.dll")
}

# write_policy FILE: a role `workload` that grants every workload identity, and `by-uid`
# (/uid/{{workload.unix.uid}}) for any caller.
write_policy() {
  cat >"$1" <<'YAML'
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
}

# start_postern CONFIG LOG URL: starts `postern start` in the background (its pid in POSTERN_PID, and
# in `pids` for the caller's cleanup) and waits until URL/readyz answers.
start_postern() {
  "${cli[@]}" start --config "$1" >"$2" 2>&1 &
  POSTERN_PID=$!
  pids+=("$POSTERN_PID")
  for _ in $(seq 150); do curl -kfs "$3/readyz" >/dev/null 2>&1 && return; sleep 0.2; done
  log "Postern did not become ready; see $2"
  exit 1
}

# bot_token CONFIG NAME: adds a bot with the role `workload` and an agent's join token (it presents workload attributes), and prints the token.
bot_token() {
  "${cli[@]}" bots add "$2" --roles workload --agent --format json --config "$1" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# start_svid_postern ALG: in TMP, starts Postern (TLS off, its own SQLite store) with a workload key of ALG, the policy
# of write_policy and a joined bot; sets POSTERN_PID, BOT_CREDENTIAL (exported, for bench/svid/issue.lua) and
# SVID_URL, the issuance endpoint.
start_svid_postern() {
  local port token
  port="$(free_port)"
  cat >"$TMP/postern.yaml" <<YAML
cluster_name: bench.example.com
listen_addr: 127.0.0.1:$port
public_addr: http://127.0.0.1:$port
data_dir: $TMP/data
tls: { disabled: true }
authorities: { workload: { keys: { algorithm: $1 } } }
YAML
  write_policy "$TMP/policy.yaml"
  start_postern "$TMP/postern.yaml" "$TMP/postern.log" "http://127.0.0.1:$port"
  "${cli[@]}" create -f "$TMP/policy.yaml" --config "$TMP/postern.yaml" >/dev/null
  token="$(bot_token "$TMP/postern.yaml" bench)"
  BOT_CREDENTIAL="$(curl -fs "http://127.0.0.1:$port/v1/bots/join" -d "{\"token\":\"$token\"}" | sed -n 's/.*"credential":"\([^"]*\)".*/\1/p')"
  export BOT_CREDENTIAL
  [ -n "$BOT_CREDENTIAL" ] || { log "could not join; see $TMP/postern.log"; exit 1; }
  SVID_URL="http://127.0.0.1:$port/v1/workload-identity/jwt-svids"
}

# app_session_cookie SERVER APP_HOST USER PASSWORD JAR [curl options]: signs USER in at SERVER (POST /v1/login),
# follows the app's sign-in redirects at APP_HOST (on SERVER's port, resolved to 127.0.0.1) as a browser does,
# and prints the app session cookie as name=value (nothing when there is none).
app_session_cookie() {
  local server="$1" host="$2" user="$3" password="$4" jar="$5"
  shift 5
  local port="${server##*:}"
  curl -fs "$@" -c "$jar" -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"$password\"}" "$server/v1/login" >/dev/null
  curl -fsL "$@" -b "$jar" -c "$jar" --resolve "$host:$port:127.0.0.1" "${server%%://*}://$host:$port/" >/dev/null
  awk -F'\t' -v h="$host" 'index($1, h) && $6 ~ /postern_app/ { print $6 "=" $7 }' "$jar"
}
