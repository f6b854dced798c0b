#!/usr/bin/env bash
# Installs what is missing, checks the API's shape (buf lint, and buf
# breaking against the previous commit), builds from nothing if need be,
# and runs every test: the suite (Release, the Python and Node clients'
# suites among it), the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer, and each fuzzer for a bounded time
# (JIWON_FUZZ_SECONDS, default 10; 0 skips them; scripts/fuzz.sh 600 fuzzes
# longer).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/proto-check.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/sanitize.sh
fuzz_seconds=${JIWON_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
