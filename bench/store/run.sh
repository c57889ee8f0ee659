#!/usr/bin/env bash
# One Postern instance on PostgreSQL against one on SQLite, in the same run: JWT-SVID issuances and
# sign-ins per second over HTTP, and what each issuance costs the PostgreSQL store (statements,
# transactions, WAL bytes), read from pg_stat_statements, pg_stat_database and the WAL position.
# PostgreSQL runs durably (fsync, synchronous_commit on), as SQLite does (synchronous = FULL).
#
# Also prints each instance's CPU time per issuance, and PostgreSQL's (its server processes', all of them).
#
# usage: bench/store/run.sh [--quick]     (--quick: 3 s runs)
# env:   DURATION=10s CONNECTIONS=32 THREADS=2 KEEP_TMP=1 ALG=RS256 (the workload authority's key; or ES256)
#        PG_AUDIT_JOURNAL=true (the PostgreSQL instance with audit.journal: true; by default false, as Postern's default
#        on PostgreSQL; SQLite keeps its default, true)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ALG="${ALG:-RS256}"
for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=3s ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
  esac
done

# shellcheck source=../lib.sh
source "$repo/bench/lib.sh"
need_wrk
bash "$repo/tests/setup/postgres.sh"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

bench_tmp store
chmod 755 "$TMP"
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
bench_cleanup() {
  [ -d "$TMP/pg" ] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$TMP/pg" -m immediate -w stop >/dev/null 2>&1 || true
}

log "starting PostgreSQL (durable: fsync and synchronous_commit on)"
mkdir -p "$TMP/pg" && [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$TMP/pg"
"${as_pg[@]}" "$pgbin/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
pgport="$(free_port)"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w -o "-p $pgport -k $TMP/pg -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on" start >/dev/null
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -At "$@"; }
psql -d postgres -c "CREATE DATABASE postern" >/dev/null
psql -d postern -c "CREATE EXTENSION pg_stat_statements" >/dev/null

build_cli
export BENCH_PASSWORD="bench password, long enough"

write_policy "$TMP/policy.yaml"

wrk_rate() { awk '/Requests\/sec/ { printf "%.0f", $2 }' "$1"; }
pg_counters() {
  psql -d postern -F ' ' -c "SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements),
    (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postern'),
    pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
}

# The CPU seconds used so far by every process of the PostgreSQL server (the postmaster and its children).
pg_cpu_seconds() {
  local total=0 pid postmaster
  postmaster="$(head -1 "$TMP/pg/postmaster.pid")"
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do
    total="$(awk -v t="$total" -v c="$(cpu_seconds "$pid" 2>/dev/null || echo 0)" 'BEGIN { print t + c }')"
  done
  echo "$total"
}
# per_issuance AFTER BEFORE WRK_OUTPUT: CPU µs per request answered in the wrk run.
per_issuance() { awk -v a="$1" -v b="$2" -v n="$(awk '/requests in/ { print $1 }' "$3")" 'BEGIN { printf "%.0f", (a - b) * 1e6 / n }'; }

# run_backend NAME STORAGE_YAML: starts Postern, measures issuance and sign-in; sets ISSUE_RATE, LOGIN_RATE,
# ISSUE_P99, and for postgres the per-issuance costs.
run_backend() {
  local name="$1" storage="$2" port dir
  port="$(free_port)"; dir="$TMP/$name"; mkdir -p "$dir"
  cat >"$dir/postern.yaml" <<YAML
cluster_name: bench.example.com
listen_addr: 127.0.0.1:$port
public_addr: http://127.0.0.1:$port
data_dir: $dir/data
tls: { disabled: true }
authorities: { workload: { keys: { algorithm: $ALG } } }
$storage
YAML
  start_postern "$dir/postern.yaml" "$dir/postern.log" "http://127.0.0.1:$port"
  local server_pid="$POSTERN_PID"
  "${cli[@]}" create -f "$TMP/policy.yaml" --config "$dir/postern.yaml" >/dev/null
  printf '%s\n' "$BENCH_PASSWORD" | "${cli[@]}" users add bench --roles access --password-stdin --config "$dir/postern.yaml" >/dev/null
  local token
  token="$(bot_token "$dir/postern.yaml" bench)"
  BOT_CREDENTIAL="$(curl -fs "http://127.0.0.1:$port/v1/bots/join" -d "{\"token\":\"$token\"}" | sed -n 's/.*"credential":"\([^"]*\)".*/\1/p')"
  export BOT_CREDENTIAL
  [ -n "$BOT_CREDENTIAL" ] || { log "$name: could not join; see $dir/postern.log"; exit 1; }
  local url="http://127.0.0.1:$port"

  log "$name: warming up (10s)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s "$repo/bench/svid/issue.lua" "$url/v1/workload-identity/jwt-svids" >/dev/null 2>&1
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$repo/bench/store/login.lua" "$url/v1/login" >/dev/null 2>&1

  local before after cpu_before pg_cpu_before
  [ "$name" = postgres ] && before="$(pg_counters)" && pg_cpu_before="$(pg_cpu_seconds)"
  cpu_before="$(cpu_seconds "$server_pid")"
  log "$name: issuance ($DURATION, $CONNECTIONS connections)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$repo/bench/svid/issue.lua" "$url/v1/workload-identity/jwt-svids" >"$dir/issue.txt" 2>"$dir/issue.err"
  [ "$name" = postgres ] && after="$(pg_counters)" && PG_CPU_US="$(per_issuance "$(pg_cpu_seconds)" "$pg_cpu_before" "$dir/issue.txt")"
  ISSUE_CPU_US="$(per_issuance "$(cpu_seconds "$server_pid")" "$cpu_before" "$dir/issue.txt")"
  local issued_total
  issued_total="$(awk '/requests in/ { print $1 }' "$dir/issue.txt")"
  ISSUE_RATE="$(wrk_rate "$dir/issue.txt")"
  ISSUE_P99="$(awk '$1 == "99%" { print $2 }' "$dir/issue.txt")"
  log "$name: sign-in ($DURATION, $CONNECTIONS connections)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$repo/bench/store/login.lua" "$url/v1/login" >"$dir/login.txt" 2>"$dir/login.err"
  LOGIN_RATE="$(wrk_rate "$dir/login.txt")"
  for f in "$dir/issue.err" "$dir/login.err"; do [ -s "$f" ] && { log "$name: errors in $(basename "$f"):"; head -3 "$f" >&2; }; done
  if [ "$name" = postgres ]; then
    read -r s0 x0 w0 <<<"$before"; read -r s1 x1 w1 <<<"$after"
    PER_STATEMENTS="$(awk -v a="$s0" -v b="$s1" -v n="$issued_total" 'BEGIN { printf "%.2f", (b - a) / n }')"
    PER_COMMITS="$(awk -v a="$x0" -v b="$x1" -v n="$issued_total" 'BEGIN { printf "%.2f", (b - a) / n }')"
    PER_WAL="$(awk -v a="$w0" -v b="$w1" -v n="$issued_total" 'BEGIN { printf "%.0f", (b - a) / n }')"
    psql -d postern -F ' | ' -c "SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'postern') ORDER BY calls DESC LIMIT 8" >"$TMP/top-statements.txt"
  fi
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
}

run_backend sqlite ""
sqlite_issue="$ISSUE_RATE"; sqlite_login="$LOGIN_RATE"; sqlite_p99="$ISSUE_P99"; sqlite_cpu="$ISSUE_CPU_US"
pg_journal="${PG_AUDIT_JOURNAL:-false}"
run_backend postgres "storage: { type: postgres, conn_string: \"Host=127.0.0.1;Port=$pgport;Database=postern;Username=postgres\" }
audit: { journal: $pg_journal }"
pg_issue="$ISSUE_RATE"; pg_login="$LOGIN_RATE"; pg_p99="$ISSUE_P99"; pg_cpu="$ISSUE_CPU_US"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "| measure ($DURATION each, $(nproc) CPUs, load generator and PostgreSQL on the same machine) | SQLite /s | PostgreSQL (audit.journal: $pg_journal) /s | PostgreSQL vs SQLite |"
echo "|---|---:|---:|---:|"
echo "| JWT-SVIDs issued over HTTP, audit included (p99 $sqlite_p99 / $pg_p99) | $sqlite_issue | $pg_issue | $(ratio "$pg_issue" "$sqlite_issue") |"
echo "| sign-ins (POST /v1/login) | $sqlite_login | $pg_login | $(ratio "$pg_login" "$sqlite_login") |"
echo
echo "CPU µs per issuance ($ALG): Postern on SQLite $sqlite_cpu; Postern on PostgreSQL $pg_cpu, and PostgreSQL's own processes $PG_CPU_US"
echo
echo "PostgreSQL cost per issuance (all instance activity during the run, divided by the issuances): $PER_STATEMENTS statements, $PER_COMMITS transactions, $PER_WAL WAL bytes"
echo
echo "Most frequent statements during the runs (calls | statement):"
cat "$TMP/top-statements.txt"
