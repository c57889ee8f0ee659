#!/usr/bin/env bash
# Proxy overhead benchmark: the same small static response fetched directly from an nginx
# upstream, through a bare YARP proxy, through an nginx reverse proxy, and through Postern — once
# as configured by default, once with metrics and tracing on (diag_addr, and telemetry.otlp_endpoint
# sending every span to an nginx that accepts and drops them); those two are also compared round by
# round (ROUNDS alternating runs). TRACE_SAMPLE_RATIO (default 0.1, Postern's default) sets the share
# of traces recorded and exported; METRICS_ONLY=1 leaves tracing off (diag_addr only).
#
# For each target: wrk -t2 -c64 for DURATION (default 10s) gives the maximum requests/second
# and the p99 latency at that load; then, when `hey` is installed, a run at a constant rate
# of half bare YARP's maximum gives the p99 latency at a load every target can carry. Bare YARP
# and Postern are measured ROUNDS times each way, alternately, and the table gives the median of
# each; the ratio and the added p99 are reported per round and as the median of the rounds.
# Prints a markdown table with absolute numbers and ratios against bare YARP and against the
# upstream served directly.
#
# usage: bench/proxy/run.sh [--quick]      (--quick: 3 s runs)
# env:   DURATION=10s  WARMUP=10s (wrk before each measure; past tiered compilation)  CONNECTIONS=64
#        THREADS=2  ROUNDS=3 (rounds of YARP and Postern)  KEEP_TMP=1 (keep the temp dir and logs)
#        With 4 or more CPUs the upstream, the proxy under test and the load generator are
#        pinned to separate cores with taskset (UPSTREAM_CPUS, PROXY_CPUS, LOAD_CPUS).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-10s}"
ROUNDS="${ROUNDS:-3}"
for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=3s; WARMUP=1s; ROUNDS=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
  esac
done

log() { printf '== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
apt_install() {
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}
command -v wrk >/dev/null || { log "installing wrk"; apt_install wrk; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { log "installing nginx"; apt_install nginx; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if ! command -v hey >/dev/null; then
  if apt-cache policy hey 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "installing hey"; apt_install hey || true
  fi
fi
HEY="$(command -v hey || true)"
[ -n "$HEY" ] || log "hey is not available: skipping the constant-rate runs"

# ---------------------------------------------------------------- CPU pinning
pin_upstream=() pin_proxy=() pin_load=()
cpus="$(nproc)"
if command -v taskset >/dev/null && [ "$cpus" -ge 4 ]; then
  pin_upstream=(taskset -c "${UPSTREAM_CPUS:-0}")
  pin_proxy=(taskset -c "${PROXY_CPUS:-1}")
  pin_load=(taskset -c "${LOAD_CPUS:-2-$((cpus - 1))}")
  log "pinning: upstream ${pin_upstream[2]}, proxy ${pin_proxy[2]}, load ${pin_load[2]}"
else
  log "$cpus CPUs: not pinning; the load generator shares the cores with the servers"
fi

# ---------------------------------------------------------------- processes
TMP="$(mktemp -d /tmp/postern-proxy-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP_TMP:-}" ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_ready() { # url [header]
  local url="$1" header="${2:-}"
  for _ in $(seq 1 150); do
    if curl -ksf -o /dev/null ${header:+-H "$header"} "$url"; then return 0; fi
    sleep 0.2
  done
  log "$url did not answer; logs in $TMP"; KEEP_TMP=1; exit 1
}

nginx_conf() { # name port body → path of a config for one nginx, one worker, no access log
  local name="$1" port="$2" body="$3" dir="$TMP/$1"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
$body
}
CONF
  printf '%s' "$dir/nginx.conf"
}

upstream_port="$(free_port)"
conf="$(nginx_conf upstream "$upstream_port" "  server {
    listen 127.0.0.1:$upstream_port;
    location / { default_type text/plain; return 200 \"hello from the upstream\\n\"; }
  }")"
"${pin_upstream[@]}" "$NGINX" -c "$conf" -e "$TMP/upstream/error.log" >"$TMP/upstream/out.log" 2>&1 &
pids+=($!)
UPSTREAM_URL="http://127.0.0.1:$upstream_port"
wait_ready "$UPSTREAM_URL/"

nginx_proxy_port="$(free_port)"
conf="$(nginx_conf nginx-proxy "$nginx_proxy_port" "  upstream app { server 127.0.0.1:$upstream_port; keepalive 128; }
  server {
    listen 127.0.0.1:$nginx_proxy_port;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Host \$host;
    }
  }")"
"${pin_proxy[@]}" "$NGINX" -c "$conf" -e "$TMP/nginx-proxy/error.log" >"$TMP/nginx-proxy/out.log" 2>&1 &
pids+=($!)
NGINX_PROXY_URL="http://127.0.0.1:$nginx_proxy_port"
wait_ready "$NGINX_PROXY_URL/"

log "building the bare YARP proxy"
dotnet build "$repo/bench/Postern.Bench.BareProxy/Postern.Bench.BareProxy.csproj" -c Release -nologo -v q >"$TMP/yarp-build.log" 2>&1 \
  || { cat "$TMP/yarp-build.log" >&2; exit 1; }
yarp_port="$(free_port)"
"${pin_proxy[@]}" dotnet "$repo/bench/Postern.Bench.BareProxy/bin/Release/net10.0/Postern.Bench.BareProxy.dll" \
  --listen "http://127.0.0.1:$yarp_port" --upstream "$UPSTREAM_URL" >"$TMP/yarp.log" 2>&1 &
pids+=($!)
YARP_URL="http://127.0.0.1:$yarp_port"
wait_ready "$YARP_URL/"

# ================================================================ POSTERN (the lead wires this)
# start_postern UPSTREAM_URL
#   Starts Postern (Release build, TLS disabled like the other proxies here, its own SQLite store) with one
#   app, `bench`, in front of UPSTREAM_URL; adds a user with the preset `access` role, signs in with curl
#   through the same redirects a browser follows, and exports:
#     POSTERN_URL     the proxy's address (an IP address; the app is chosen by Host)
#     POSTERN_HOST    the app's host, sent as Host
#     POSTERN_COOKIE  the app session cookie
start_postern() {
  local upstream="$1" name="${2:-postern}" extra="${3:-}" port dir cli password jar
  port="$(free_port)"
  dir="$TMP/$name"
  mkdir -p "$dir"
  cat >"$dir/postern.yaml" <<YAML
cluster_name: bench
listen_addr: 127.0.0.1:$port
public_addr: http://127.0.0.1:$port
data_dir: $dir/data
tls: { disabled: true }
$extra
apps:
  - name: bench
    uri: $upstream
    public_addr: bench.localhost
YAML
  log "building Postern (Release)"
  dotnet build -c Release -nologo -v quiet "$repo/src/Postern.Cli" >/dev/null
  cli=(dotnet "$repo/src/Postern.Cli/bin/Release/net10.0/postern.dll")
  "${pin_proxy[@]}" "${cli[@]}" start --config "$dir/postern.yaml" >"$dir/postern.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "$password" | "${cli[@]}" users add bench --roles access --password-stdin --config "$dir/postern.yaml" >/dev/null
  jar="$dir/cookies"
  curl -fs -c "$jar" -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" "http://127.0.0.1:$port/v1/login" >/dev/null
  curl -fsL -b "$jar" -c "$jar" --resolve "bench.localhost:$port:127.0.0.1" "http://bench.localhost:$port/" >/dev/null
  POSTERN_COOKIE="$(awk -F'\t' '$1 ~ /bench\.localhost/ && $6 ~ /postern_app/ { print $6 "=" $7 }' "$jar")"
  if [ -z "$POSTERN_COOKIE" ]; then
    log "Postern: no app session cookie; see $dir/postern.log"
    export POSTERN_URL="" POSTERN_COOKIE="" POSTERN_HOST=""
    return
  fi
  export POSTERN_URL="http://127.0.0.1:$port/" POSTERN_COOKIE POSTERN_HOST="bench.localhost:$port"
}
# ================================================================

# Metrics and tracing on: the diagnostic listener (its metrics are kept whether or not anyone scrapes), and OTLP
# export of every span and of the metrics to an nginx that answers 200 and keeps nothing.
sink_port="$(free_port)"
conf="$(nginx_conf otlp-sink "$sink_port" "  server {
    listen 127.0.0.1:$sink_port;
    client_body_in_single_buffer on;
    location / { return 200; }
  }")"
"$NGINX" -c "$conf" -e "$TMP/otlp-sink/error.log" >"$TMP/otlp-sink/out.log" 2>&1 &
pids+=($!)
observed_yaml="diag_addr: 127.0.0.1:$(free_port)"
[ -n "${METRICS_ONLY:-}" ] || observed_yaml="$observed_yaml
telemetry: { otlp_endpoint: 'http://127.0.0.1:$sink_port', trace_sample_ratio: ${TRACE_SAMPLE_RATIO:-0.1} }"
start_postern "$UPSTREAM_URL" postern-observed "$observed_yaml"
OBSERVED_URL="$POSTERN_URL" OBSERVED_COOKIE="$POSTERN_COOKIE" OBSERVED_HOST="$POSTERN_HOST"
start_postern "$UPSTREAM_URL"

# ---------------------------------------------------------------- measuring
# to_ms "1.23ms" → 1.23 (wrk prints us, ms, s)
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# run_wrk name url [headers...] → sets RPS and P99 (ms)
run_wrk() {
  local name="$1" url="$2"; shift 2
  local headers=()
  for h in "$@"; do [ -n "$h" ] && headers+=(-H "$h"); done
  [ -n "${NO_WARMUP:-}" ] || "${pin_load[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${headers[@]}" "$url" >/dev/null 2>&1 || true
  "${pin_load[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${headers[@]}" "$url" >"$TMP/wrk-$name.txt" 2>&1
  RPS="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/wrk-$name.txt")"
  P99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-$name.txt")")"
  local errors
  errors="$(grep -E 'Non-2xx|Socket errors' "$TMP/wrk-$name.txt" || true)"
  [ -z "$errors" ] || log "$name: $errors"
  log "$name: $RPS req/s, p99 $P99 ms"
}

# run_hey name url rate [headers...] → sets RATE_P99 (ms) and RATE_ACHIEVED (req/s)
run_hey() {
  local name="$1" url="$2" rate="$3"; shift 3
  local headers=()
  # Go's client ignores a Host in the header list: hey takes it with -host.
  for h in "$@"; do
    case "$h" in
      "") ;;
      Host:*) headers+=(-host "$(sed 's/^Host: *//' <<<"$h")") ;;
      *) headers+=(-H "$h") ;;
    esac
  done
  local per_worker
  per_worker="$(awk -v r="$rate" -v c="$CONNECTIONS" 'BEGIN { printf "%.2f", r / c }')"
  "${pin_load[@]}" "$HEY" -z "$DURATION" -c "$CONNECTIONS" -q "$per_worker" "${headers[@]}" "$url" >"$TMP/hey-$name.txt" 2>&1
  RATE_P99="$(awk '$1 == "99%" && $2 == "in" { printf "%.3f", $3 * 1000 }' "$TMP/hey-$name.txt")"
  RATE_ACHIEVED="$(awk '/Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/hey-$name.txt")"
  log "$name at $rate req/s: achieved $RATE_ACHIEVED req/s, p99 $RATE_P99 ms"
}

names=(upstream yarp nginx)
declare -A label url hdr1 hdr2 rps p99 rate_p99 rate_done
label[upstream]="upstream direct (nginx)"; url[upstream]="$UPSTREAM_URL/"
label[yarp]="bare YARP";                   url[yarp]="$YARP_URL/"
label[nginx]="nginx reverse proxy";        url[nginx]="$NGINX_PROXY_URL/"
if [ -n "${POSTERN_URL:-}" ]; then
  names+=(postern)
  label[postern]="Postern"; url[postern]="$POSTERN_URL"
  hdr1[postern]="${POSTERN_COOKIE:+Cookie: $POSTERN_COOKIE}"
  hdr2[postern]="${POSTERN_HOST:+Host: $POSTERN_HOST}"
  wait_ready "$POSTERN_URL" "${hdr1[postern]}"
fi
if [ -n "${OBSERVED_URL:-}" ]; then
  names+=(observed)
  label[observed]="Postern, metrics and tracing on"; url[observed]="$OBSERVED_URL"
  hdr1[observed]="${OBSERVED_COOKIE:+Cookie: $OBSERVED_COOKIE}"
  hdr2[observed]="${OBSERVED_HOST:+Host: $OBSERVED_HOST}"
  wait_ready "$OBSERVED_URL" "${hdr1[observed]}"
fi

# median: the median of the numbers on standard input, one per line
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# column_median N ROW...: the median of field N of the rows (each a space-separated string)
column_median() { local n="$1"; shift; printf '%s\n' "$@" | awk -v n="$n" '{ print $n }' | median; }

log "maximum throughput: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
for n in "${names[@]}"; do
  run_wrk "$n" "${url[$n]}" "${hdr1[$n]:-}" "${hdr2[$n]:-}"
  rps[$n]="$RPS"; p99[$n]="$P99"
done
# Like the latency below, the maximum moves from run to run here: YARP and Postern are measured again,
# alternately (already warm), and the table gives the median of the rounds.
max_rounds=()
if [ -n "${POSTERN_URL:-}" ]; then
  max_rounds+=("${rps[yarp]} ${rps[postern]}")
  for ((round = 2; round <= ROUNDS; round++)); do
    log "maximum throughput, round $round of $ROUNDS"
    NO_WARMUP=1 run_wrk "yarp-$round" "${url[yarp]}"; yarp_rps="$RPS"
    NO_WARMUP=1 run_wrk "postern-$round" "${url[postern]}" "${hdr1[postern]:-}" "${hdr2[postern]:-}"
    max_rounds+=("$yarp_rps $RPS")
  done
  rps[yarp]="$(column_median 1 "${max_rounds[@]}" | awk '{ printf "%.0f", $1 }')"
  rps[postern]="$(column_median 2 "${max_rounds[@]}" | awk '{ printf "%.0f", $1 }')"
fi

# Postern with metrics and tracing on against Postern as configured by default, alternately (both warm).
observed_rounds=()
if [ -n "${POSTERN_URL:-}" ] && [ -n "${OBSERVED_URL:-}" ]; then
  for ((round = 1; round <= ROUNDS; round++)); do
    log "metrics and tracing on vs off, round $round of $ROUNDS"
    NO_WARMUP=1 run_wrk "postern-off-$round" "${url[postern]}" "${hdr1[postern]:-}" "${hdr2[postern]:-}"; off_rps="$RPS"
    NO_WARMUP=1 run_wrk "postern-on-$round" "${url[observed]}" "${hdr1[observed]:-}" "${hdr2[observed]:-}"
    observed_rounds+=("$off_rps $RPS")
  done
fi

rate=""
rounds=()
if [ -n "$HEY" ]; then
  rate=$(( ${rps[yarp]} / 2 ))
  log "constant rate: hey at $rate req/s (half of bare YARP's maximum), $CONNECTIONS workers"
  for n in "${names[@]}"; do
    run_hey "$n" "${url[$n]}" "$rate" "${hdr1[$n]:-}" "${hdr2[$n]:-}"
    rate_p99[$n]="$RATE_P99"; rate_done[$n]="$RATE_ACHIEVED"
  done
  # The p99 of one run moves by about the size of the goal from run to run on a small shared machine:
  # YARP and Postern are measured again, alternately, and compared round by round.
  if [ -n "${POSTERN_URL:-}" ]; then
    rounds+=("${rate_p99[yarp]} ${rate_p99[postern]} ${rate_done[yarp]} ${rate_done[postern]}")
    for ((round = 2; round <= ROUNDS; round++)); do
      log "constant rate, round $round of $ROUNDS"
      run_hey "yarp-$round" "${url[yarp]}" "$rate"; yarp_p99="$RATE_P99" yarp_done="$RATE_ACHIEVED"
      run_hey "postern-$round" "${url[postern]}" "$rate" "${hdr1[postern]:-}" "${hdr2[postern]:-}"
      rounds+=("$yarp_p99 $RATE_P99 $yarp_done $RATE_ACHIEVED")
    done
    rate_p99[yarp]="$(column_median 1 "${rounds[@]}")"
    rate_p99[postern]="$(column_median 2 "${rounds[@]}")"
  fi
fi

# ---------------------------------------------------------------- the table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "") print "–"; else printf "%.2f×", a / b }'; }
# ratio_rounds BASE_HEADER OTHER_HEADER RATIO_HEADER "base other"...: a table of rounds, other/base each, and the median ratio
ratio_rounds() {
  local base_header="$1" other_header="$2" ratio_header="$3"; shift 3
  printf '\n| round | %s | %s | %s |\n|---:|---:|---:|---:|\n' "$base_header" "$other_header" "$ratio_header"
  local i=0 base other
  for r in "$@"; do
    i=$((i + 1))
    read -r base other <<<"$r"
    printf '| %s | %s | %s | %s |\n' "$i" "$base" "$other" "$(ratio "$other" "$base")"
  done
  printf '| median | | | **%s** |\n' "$(printf '%s\n' "$@" | awk '{ printf "%.4f\n", $2 / $1 }' | median | awk '{ printf "%.2f×", $1 }')"
}

printf '\n### Proxy overhead (%s runs, %s connections, %s CPUs, %s)\n\n' "$DURATION" "$CONNECTIONS" "$cpus" "$(date -u +%Y-%m-%d)"
if [ -n "$rate" ]; then
  printf '| target | req/s (max) | vs YARP | vs upstream | p99 at max (ms) | p99 at %s req/s (ms) | achieved req/s | p99 vs YARP |\n' "$rate"
  printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
else
  printf '| target | req/s (max) | vs YARP | vs upstream | p99 at max (ms) |\n|---|---:|---:|---:|---:|\n'
fi
for n in "${names[@]}"; do
  printf '| %s | %s | %s | %s | %s' "${label[$n]}" "${rps[$n]}" "$(ratio "${rps[$n]}" "${rps[yarp]}")" "$(ratio "${rps[$n]}" "${rps[upstream]}")" "${p99[$n]}"
  if [ -n "$rate" ]; then
    printf ' | %s | %s | %s' "${rate_p99[$n]}" "${rate_done[$n]}" "$(ratio "${rate_p99[$n]}" "${rate_p99[yarp]}")"
  fi
  printf ' |\n'
done
[ -n "${POSTERN_URL:-}" ] || printf '\nPostern was skipped: it did not start or sign in (see the log above).\n'
if [ "${#max_rounds[@]}" -gt 1 ]; then
  printf '\nBare YARP and Postern: the median of %s alternating rounds.\n' "${#max_rounds[@]}"
  ratio_rounds "bare YARP req/s" "Postern req/s" "Postern vs YARP" "${max_rounds[@]}"
fi
if [ "${#rounds[@]}" -gt 0 ]; then
  printf '\n| round at %s req/s | bare YARP p99 (ms) | Postern p99 (ms) | added p99 (ms) | achieved req/s: YARP, Postern |\n|---:|---:|---:|---:|---:|\n' "$rate"
  i=0
  for r in "${rounds[@]}"; do
    i=$((i + 1))
    read -r y p yd pd <<<"$r"
    printf '| %s | %s | %s | %s | %s, %s |\n' "$i" "$y" "$p" "$(awk -v a="$p" -v b="$y" 'BEGIN { printf "%+.3f", a - b }')" "$yd" "$pd"
  done
  printf '| median | %s | %s | **%s** | |\n' "${rate_p99[yarp]}" "${rate_p99[postern]}" "$(printf '%s\n' "${rounds[@]}" | awk '{ printf "%.3f\n", $2 - $1 }' | median)"
fi
if [ "${#observed_rounds[@]}" -gt 0 ]; then
  printf '\nPostern with %s against Postern without them: %s alternating rounds.\n' \
    "$([ -n "${METRICS_ONLY:-}" ] && echo "metrics on (diag_addr), tracing off" || echo "metrics and tracing on (diag_addr; OTLP export, trace_sample_ratio ${TRACE_SAMPLE_RATIO:-0.1})")" "${#observed_rounds[@]}"
  ratio_rounds "Postern req/s" "with metrics and tracing req/s" "on vs off" "${observed_rounds[@]}"
fi
