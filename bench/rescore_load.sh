#!/usr/bin/env bash
# Recommend latency while the nightly rescore runs: writes a synthetic
# catalog and companies into a temporary RocksDB, serves it with jiwond on
# 127.0.0.1, measures Recommend at 1 call in flight idle, then again while
# jiwon-rescore rescores every company, and stops the server.
# Usage: bench/rescore_load.sh [companies] [programs] [seconds]
# Environment: JIWOND_FLAGS (e.g. --rescore_cpus=all), LOAD_FLAGS (e.g.
# --inline_profiles), SETTLE (seconds to let compactions finish, 30).
set -euo pipefail
cd "$(dirname "$0")/.."
companies=${1:-1000000}
programs=${2:-10000}
seconds=${3:-8}
scripts/build.sh >/dev/null
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
build/bench/jiwon_rescore_bench --load_only --dir="$tmp/data" \
  --companies="$companies" --programs="$programs" --eligible_pct=1 2>/dev/null
build/server/jiwond --listen=127.0.0.1:0 --data_dir="$tmp/data" --create_if_missing ${JIWOND_FLAGS:-} \
  --port_file="$tmp/port" 2>"$tmp/jiwond.log" &
pid=$!
for _ in $(seq 600); do [ -s "$tmp/port" ] && break; sleep 0.1; done
addr="127.0.0.1:$(cat "$tmp/port")"
load() {
  build/bench/jiwon_load --addr="$addr" --companies=1000 --eligible_pct=1 \
    --in_flight=1 --seconds="$seconds" ${LOAD_FLAGS:-} | tail -1
}
echo "jiwond at $addr: $programs programs, $companies companies, $(nproc) cores"
echo "in flight      calls        QPS     p50 us     p90 us     p99 us   errors"
sleep "${SETTLE:-30}"
echo "idle:"
load
# A baseline first, so that the measured run diffs against stored results;
# then a pause for RocksDB to finish compacting the freshly written
# database (its compactions, not the run, would otherwise be measured).
build/clients/jiwon-rescore --addr="$addr" --progress=none >/dev/null
sleep "${SETTLE:-30}"
echo "during a rescore of every company:"
build/clients/jiwon-rescore --addr="$addr" --progress=none >"$tmp/summary" &
job=$!
sleep 0.5
load
wait "$job"
cat "$tmp/summary"
echo "idle again:"
load
