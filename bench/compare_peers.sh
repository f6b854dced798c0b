#!/usr/bin/env bash
# Runs one generated catalog and set of companies through jiwon's matcher,
# jiwon's full evaluator, PostgreSQL 15 (the rules as SQL predicates, one
# query per company; started here on 127.0.0.1 in a temporary directory and
# stopped at the end) and json-rules-engine (npm), checks that every
# contender lists the same top 10, and prints the cost per company and the
# ratios, measured in this one run.
# Usage: bench/compare_peers.sh [programs=10000] [companies=200] [node_companies=10]
set -euo pipefail
cd "$(dirname "$0")/.."
programs=${1:-10000}
companies=${2:-200}
node_companies=${3:-10}

scripts/install-deps.sh
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  "${as_root[@]}" apt-get install -y -qq postgresql-15 >/dev/null
fi
command -v node >/dev/null || "${as_root[@]}" apt-get install -y -qq nodejs npm >/dev/null
scripts/build.sh >/dev/null

tmp=$(mktemp -d)
chmod 755 "$tmp"
pg=/usr/lib/postgresql/15/bin
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  run_pg "$pg/pg_ctl" -D "$tmp/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# JIWON_KEEP=1 keeps the temporary directory, for a look at what was compared.
[ -n "${JIWON_KEEP:-}" ] && trap - EXIT && echo "keeping $tmp"

build/bench/jiwon_peers --programs="$programs" --companies="$companies" \
  --out="$tmp" >"$tmp/jiwon.txt"
chmod -R a+rwX "$tmp"

# PostgreSQL 15, on a free port.
port=$(( 20000 + RANDOM % 20000 ))
mkdir "$tmp/pg" && chown postgres "$tmp/pg" 2>/dev/null || true
run_pg "$pg/initdb" -D "$tmp/pg" -A trust -U jiwon >/dev/null
run_pg "$pg/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp" start >/dev/null
psql_() { (cd "$tmp" && run_pg psql -X -q -h 127.0.0.1 -p "$port" -U jiwon -d postgres "$@"); }
cat bench/peers/schema.sql >"$tmp/schema.sql"
{ cat bench/peers/schema.sql; cat "$tmp/calls.sql"; } >"$tmp/run.sql"
chmod a+r "$tmp"/*.sql
start=$(date +%s%N)
psql_ -At -f run.sql >"$tmp/pg_all.txt"
end=$(date +%s%N)
# Time the calls alone: the same run with schema and load only.
start0=$(date +%s%N)
psql_ -c "DROP TABLE programs" >/dev/null
psql_ -At -f schema.sql >/dev/null
end0=$(date +%s%N)
pg_us=$(( ( (end - start) - (end0 - start0) ) / 1000 / companies ))
grep -v '^ANALYZE$\|^PREPARE$\|^CREATE TABLE$\|^COPY' "$tmp/pg_all.txt" >"$tmp/pg_top.txt" || true

# json-rules-engine.
(cd "$tmp" && npm install --silent --no-audit --no-fund json-rules-engine@7 >/dev/null 2>&1)
node bench/peers/json_rules.js "$tmp" "$node_companies" >"$tmp/node.txt"

jiwon_us=$(awk '/jiwon_us_per_company/ {print $2}' "$tmp/jiwon.txt")
naive_us=$(awk '/naive_us_per_company/ {print $2}' "$tmp/jiwon.txt")
node_us=$(awk '/node_us_per_company/ {print $2}' "$tmp/node.txt")
same_pg=$(diff -q "$tmp/jiwon_top.txt" "$tmp/pg_top.txt" >/dev/null && echo yes || echo NO)
same_node=$(head -n "$node_companies" "$tmp/jiwon_top.txt" | diff -q - "$tmp/node_top.txt" >/dev/null && echo yes || echo NO)

echo "$programs programs, $companies companies ($node_companies for json-rules-engine), $(nproc) cores"
printf "%-36s %16s %12s %10s\n" "contender" "µs per company" "× jiwon" "same top 10"
ratio() { awk -v a="$1" -v b="$jiwon_us" 'BEGIN { printf "%.0f", a / b }'; }
printf "%-36s %16s %12s %10s\n" "jiwon matcher" "$jiwon_us" "1" "-"
printf "%-36s %16s %12s %10s\n" "jiwon full evaluator" "$naive_us" "$(ratio "$naive_us")" "-"
printf "%-36s %16s %12s %10s\n" "PostgreSQL 15 (SQL predicates)" "$pg_us" "$(ratio "$pg_us")" "$same_pg"
printf "%-36s %16s %12s %10s\n" "json-rules-engine $(cd "$tmp" && node -p "require('./node_modules/json-rules-engine/package.json').version")" "$node_us" "$(ratio "$node_us")" "$same_node"
