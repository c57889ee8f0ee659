# Sourced by the JWT-SVID benchmarks (after bench/lib.sh): warming a server up until the JIT is done with it.
#
# A fixed warm-up is not enough. Tiered compilation recompiles the hot methods in a background thread, and under
# RS256 that thread competes for the two cores with some twenty pool threads, each signing for ~300 µs: measured
# in 10 s windows of load from a fresh start, the JIT took 92 µs of CPU per issuance in the first, 38 in the second
# and 4 in the third. ES256 sends four times the requests over the same compilation and was done after 15-20 s. A run
# that starts 10-20 s in therefore measures the compiler, and RS256 far more than ES256.

# jit_ticks PID: the CPU clock ticks used so far by the process's tiered compilation thread(s).
jit_ticks() {
  local t sum=0 ticks
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = ".NET Tiered Com" ] || continue
    ticks="$(awk '{ split($0, a, ") "); split(a[2], f, " "); print f[12] + f[13] }' "$t/stat" 2>/dev/null || echo 0)"
    sum=$((sum + ticks))
  done
  echo "$sum"
}

# warm_up PID COMMAND...: runs COMMAND SECONDS (a load of 5 s at a time, its output dropped) until the server PID
# spent under 2 % of its CPU compiling during one, after at least MIN_WARMUP seconds (10) and at most MAX_WARMUP (90).
warm_up() {
  local server="$1" elapsed=0 j0 j1 c0 c1 share
  shift
  while :; do
    j0="$(jit_ticks "$server")"; c0="$(cpu_seconds "$server")"
    "$@" 5 >/dev/null 2>&1
    j1="$(jit_ticks "$server")"; c1="$(cpu_seconds "$server")"
    elapsed=$((elapsed + 5))
    share="$(awk -v j="$((j1 - j0))" -v hz="$(getconf CLK_TCK)" -v c="$c1" -v b="$c0" 'BEGIN { printf "%.1f", (c > b) ? 100 * j / hz / (c - b) : 100 }')"
    log "warm-up: ${elapsed}s, JIT $share % of the server's CPU in the last 5 s"
    if [ "$elapsed" -ge "${MAX_WARMUP:-90}" ]; then log "warm-up: the JIT is still at work after ${elapsed}s; the figures include it"; return; fi
    if [ "$elapsed" -ge "${MIN_WARMUP:-10}" ] && awk -v s="$share" 'BEGIN { exit !(s < 2) }'; then return; fi
  done
}
