#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang into build-fuzz/,
# seeds them from the demo data and runs each for SECONDS seconds (default
# 30). A crash, a sanitizer report or a broken invariant fails the run and
# leaves the input in build-fuzz/findings/.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(company program import_json decoders date feeds)
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DJIWON_FUZZ=ON >/dev/null
cmake --build build-fuzz
rm -rf build-fuzz/seeds
build-fuzz/tests/fuzz/jiwon_fuzz_seeds build-fuzz/seeds >/dev/null
mkdir -p build-fuzz/findings build-fuzz/corpus
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for h in "${harnesses[@]}"; do
  mkdir -p "build-fuzz/corpus/$h"
  out=$(build-fuzz/tests/fuzz/"${h}"_fuzz -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/findings/$h-" \
    "build-fuzz/corpus/$h" "build-fuzz/seeds/$h" 2>&1) || {
    echo "$out" | tail -40
    echo "fuzz: $h failed; the input is in build-fuzz/findings/" >&2
    exit 1
  }
  echo "fuzz: $h: $(echo "$out" | grep -E 'stat::number_of_executed_units' | awk '{print $2}') runs in ${seconds} s, $(echo "$out" | grep -E 'stat::new_units_added' | awk '{print $2}') new inputs, no failure"
done
