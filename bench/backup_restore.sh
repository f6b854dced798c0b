#!/usr/bin/env bash
# Backup and restore of a large database: writes COMPANIES synthetic
# companies and PROGRAMS programs into a temporary RocksDB, serves it with
# jiwond on 127.0.0.1, rescores every company (results and alerts, as after
# a night), then times `jiwon admin backup` (the first, full), a second one
# with nothing changed (incremental), and a new jiwond restoring the first
# into an empty directory (the restore itself, then until it serves).
# Usage: bench/backup_restore.sh [companies] [programs]
set -euo pipefail
cd "$(dirname "$0")/.."
companies=${1:-1000000}
programs=${2:-10000}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
serve() {  # data dir, more flags
  rm -f "$tmp/port"
  # shellcheck disable=SC2086
  build/server/jiwond --listen=127.0.0.1:0 --data_dir="$1" \
    --backup_root="$tmp/backups" --port_file="$tmp/port" \
    --metrics_listen=127.0.0.1:0 --metrics_port_file="$tmp/metrics.port" $2 \
    2>>"$tmp/jiwond.log" &
  pid=$!
  while [ ! -s "$tmp/port" ]; do
    kill -0 "$pid" 2>/dev/null || { tail "$tmp/jiwond.log"; exit 1; }
    sleep 0.05
  done
  addr="127.0.0.1:$(cat "$tmp/port")"
}
build/bench/jiwon_rescore_bench --load_only --dir="$tmp/data" \
  --companies="$companies" --programs="$programs" --eligible_pct=1 2>/dev/null
serve "$tmp/data" ""
build/clients/jiwon-rescore --addr="$addr" --progress=none >/dev/null
echo "$companies companies, $programs programs, $(nproc) cores; database $(du -sh "$tmp/data" | cut -f1)"
for i in 1 2 3; do
  curl -sS -o /dev/null -w "metrics scrape $i: %{time_total} s\n" \
    "http://127.0.0.1:$(cat "$tmp/metrics.port")/metrics"
done
t=$(now)
build/clients/jiwon --addr="$addr" admin backup nightly
echo "first backup: $(since "$t") s (jiwon admin backup, wall)"
t=$(now)
build/clients/jiwon --addr="$addr" admin backup nightly
echo "second backup, nothing changed: $(since "$t") s"
echo "backup directory: $(du -sh "$tmp/backups/nightly" | cut -f1)"
kill "$pid"; wait "$pid" || true; pid=
t=$(now)
serve "$tmp/restored" "--restore_from=$tmp/backups/nightly --backup_id=1"
echo "restore and start until serving: $(since "$t") s"
grep -o '"seconds":[0-9.]*\|seconds=[0-9.]*' <(grep "restored a backup" "$tmp/jiwond.log") | head -1 |
  sed 's/^/restore alone: /'
build/clients/jiwon --addr="$addr" health
