#!/usr/bin/env bash
# Fuzzes one of Postern's parsers with AFL++ through SharpFuzz.
#
#   fuzz/run.sh list               the targets
#   fuzz/run.sh TARGET MINUTES     fuzz TARGET for MINUTES, starting from fuzz/corpus/TARGET
#   fuzz/run.sh all MINUTES        every target at the same time (one build), each for MINUTES
#
# Builds fuzz/Postern.Fuzz in Release, copies it to fuzz/findings/TARGET/<UTC time>/bin and instruments
# Postern's assemblies (and the parsers they build on) there with sharpfuzz, then runs afl-fuzz with the
# limits below. Everything it writes stays in fuzz/findings/ (ignored by git); AFL's crashes and hangs are in
# fuzz/findings/TARGET/<UTC time>/afl/default/{crashes,hangs}. The last lines are AFL's figures from
# fuzzer_stats. On a shared machine, run it as `nice -n 19 fuzz/run.sh ...`.
#
# Limits (see docs/security-testing.md): an input is at most 64 KiB (afl -G; the harness skips longer ones);
# one execution at most FUZZ_TIMEOUT_MS (default 5000 ms, afl -t: longer is a hang); the target's address space
# at most FUZZ_MEMORY_MB (default 8192 MB, afl -m) with the managed heap capped at 512 MiB
# (DOTNET_GCHeapHardLimit), so an allocation without bound ends in OutOfMemoryException: a crash.
set -euo pipefail
cd "$(dirname "$0")"

build=out/bin
if [ "${1:-}" = "" ] || [ "${1:-}" = "list" ]; then
  dotnet build Postern.Fuzz -c Release -nologo -v quiet -o "$build" >/dev/null
  dotnet "$build/Postern.Fuzz.dll" list
  exit 0
fi

[ $# -eq 2 ] || { echo "usage: fuzz/run.sh TARGET|all MINUTES (fuzz/run.sh list shows the targets)" >&2; exit 2; }
minutes=$2
command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 2; }
# FUZZ_NO_BUILD=1 reuses the last build (fuzz/out/bin), e.g. to start one more target next to running ones.
if [ -z "${FUZZ_NO_BUILD:-}" ] || [ ! -f "$build/Postern.Fuzz.dll" ]; then
  dotnet build Postern.Fuzz -c Release -nologo -v quiet -o "$build" >/dev/null
  dotnet tool restore >/dev/null
fi

# Fuzzes $1 for $minutes minutes and prints AFL's figures.
fuzz_one() {
  local target=$1 run
  [ -d "corpus/$target" ] || { echo "no corpus for '$target' (fuzz/run.sh list shows the targets)" >&2; return 2; }
  run=findings/$target/$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$run"
  cp -r "$build" "$run/bin"
  for assembly in Postern.Core Postern.Verification Postern.Agent YamlDotNet Microsoft.IdentityModel.Tokens; do
    dotnet tool run sharpfuzz "$run/bin/$assembly.dll" >/dev/null
  done

  echo "fuzzing $target for $minutes min into fuzz/$run" >&2
  AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  DOTNET_GCHeapHardLimit=0x20000000 \
    afl-fuzz -i "corpus/$target" -o "$run/afl" \
      -t "${FUZZ_TIMEOUT_MS:-5000}" -m "${FUZZ_MEMORY_MB:-8192}" -G 65536 -V $((minutes * 60)) \
      -- dotnet "$run/bin/Postern.Fuzz.dll" "$target" >"$run/afl.log" 2>&1 || true

  local stats=$run/afl/default/fuzzer_stats
  [ -f "$stats" ] || { echo "$target: afl-fuzz did not start:" >&2; tail -n 30 "$run/afl.log" >&2; return 1; }
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  {
    echo "target:       $target"
    echo "wall time:    $(( $(stat last_update) - $(stat start_time) )) s"
    echo "executions:   $(stat execs_done)"
    echo "exec/s:       $(stat execs_per_sec)"
    echo "paths:        $(stat corpus_count) (seeds $(( $(stat corpus_count) - $(stat corpus_found) )), found $(stat corpus_found))"
    echo "edges:        $(stat edges_found) ($(stat bitmap_cvg))"
    echo "crashes:      $(stat saved_crashes)"
    echo "hangs:        $(stat saved_hangs)"
    echo "output:       fuzz/$run/afl/default"
  } | tee "$run/summary.txt"
}

if [ "$1" = "all" ]; then
  for target in $(dotnet "$build/Postern.Fuzz.dll" list | cut -d' ' -f1); do
    fuzz_one "$target" >/dev/null &
    sleep 2 # distinct output folders, staggered start-up
  done
  wait
  cat findings/*/*/summary.txt
else
  fuzz_one "$1"
fi
