#!/usr/bin/env bash
# Installs what is missing, builds, starts jiwond on a fresh RocksDB in
# var/demo, loads the demo catalog and companies, and shows a caseworker's
# view of one company: a manufacturer in 경기도 광주시. jiwond keeps running
# afterwards so that you can explore with build/clients/jiwon.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

demo=var/demo
mkdir -p "$demo"
if [ -f "$demo/jiwond.pid" ] && kill -0 "$(cat "$demo/jiwond.pid")" 2>/dev/null; then
  kill "$(cat "$demo/jiwond.pid")"
  while kill -0 "$(cat "$demo/jiwond.pid")" 2>/dev/null; do sleep 0.1; done
fi
rm -rf "$demo/data" "$demo/port"

build/server/jiwond --listen=127.0.0.1:0 --data_dir="$demo/data" --create_if_missing \
  --port_file="$demo/port" 2>"$demo/jiwond.log" &
echo $! >"$demo/jiwond.pid"
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
[ -s "$demo/port" ] || { cat "$demo/jiwond.log" >&2; exit 1; }
export JIWON_ADDR="127.0.0.1:$(cat "$demo/port")"

jiwon=build/clients/jiwon
$jiwon program import data/demo/programs.jsonl
$jiwon company import data/demo/companies.jsonl
echo
# The demo catalog's windows are set around this date.
as_of=2026-11-27
$jiwon recommend C0001 --as_of=$as_of --nopager
echo
echo "--- why not: the 동부권 round of 개발·생산·판로 맞춤형 지원"
$jiwon explain C0001 gbsa-dev-prod-east-2026 --as_of=$as_of --nopager
cat <<MSG

jiwond is running at $JIWON_ADDR (pid $(cat "$demo/jiwond.pid"), log $demo/jiwond.log).
Try:
  export JIWON_ADDR=$JIWON_ADDR
  $jiwon program list --status=open --as_of=$as_of
  $jiwon who-qualifies gwangju-smart-levelup-2026 --as_of=$as_of
  $jiwon recommend C0042 --as_of=$as_of --json
Stop it with: kill $(cat "$demo/jiwond.pid")
MSG
