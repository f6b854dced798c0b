#!/usr/bin/env bash
# Recommend load on two jiwond builds at once, in turns, so that both see
# the machine alike: each on 127.0.0.1 with a temporary RocksDB and the same
# synthetic catalog and companies (loaded by this build's jiwon_load),
# plaintext; rounds of 64 then 1 call in flight, and the answer's size.
# Usage: bench/ab_load.sh OLD_JIWOND NEW_JIWOND [rounds] [programs] [companies]
# Environment: OLD_FLAGS, NEW_FLAGS: more flags for each (the same binary
# twice with NEW_FLAGS=--metrics_listen=127.0.0.1:0 measures the metrics).
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
new=$2
rounds=${3:-3}
programs=${4:-10000}
companies=${5:-1000}
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
start() {  # name, binary, flags; sets addr
  # Builds from before --create_if_missing created the data directory
  # unasked, and know no such flag.
  local create=
  case "$("$2" --helpfull 2>/dev/null)" in
    *--create_if_missing*) create=--create_if_missing ;;
  esac
  # shellcheck disable=SC2086
  "$2" --listen=127.0.0.1:0 --data_dir="$tmp/$1" $create --port_file="$tmp/$1.port" $3 \
    >/dev/null 2>"$tmp/$1.log" &
  pids+=($!)
  for _ in $(seq 300); do [ -s "$tmp/$1.port" ] && break; sleep 0.1; done
  addr="127.0.0.1:$(cat "$tmp/$1.port")"
}
start old "$old" "${OLD_FLAGS:-}"
old_addr=$addr
start new "$new" "${NEW_FLAGS:-}"
new_addr=$addr
load=(--programs="$programs" --companies="$companies")
for a in "$old_addr" "$new_addr"; do
  build/bench/jiwon_load --addr="$a" --load "${load[@]}" --in_flight= \
    --warmup_seconds=0 >/dev/null
done
echo "$programs programs, $companies companies, $(nproc) cores"
for round in $(seq "$rounds"); do
  for which in old new; do
    a=old_addr
    [ "$which" = new ] && a=new_addr
    echo "== round $round: $which (${!a})"
    build/bench/jiwon_load --addr="${!a}" "${load[@]}" --seconds=5 \
      --in_flight=64,1
  done
done
