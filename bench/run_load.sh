#!/usr/bin/env bash
# Starts a jiwond of its own on 127.0.0.1 with a temporary RocksDB, loads a
# synthetic catalog and companies, measures Recommend at 1, 8 and 64 calls
# in flight, and stops the server. Usage: bench/run_load.sh [programs] [companies]
set -euo pipefail
cd "$(dirname "$0")/.."
programs=${1:-10000}
companies=${2:-1000}
scripts/build.sh >/dev/null
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
build/server/jiwond --listen=127.0.0.1:0 --data_dir="$tmp/data" \
  --port_file="$tmp/port" 2>"$tmp/jiwond.log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
addr="127.0.0.1:$(cat "$tmp/port")"
echo "jiwond at $addr; $programs programs, $companies companies, $(nproc) cores"
build/bench/jiwon_load --addr="$addr" --load --programs="$programs" \
  --companies="$companies" --seconds=5 --baseline
