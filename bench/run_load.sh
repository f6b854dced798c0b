#!/usr/bin/env bash
# Starts two jiwonds of its own on 127.0.0.1, each with a temporary RocksDB
# and the same synthetic catalog and companies: one plaintext without
# tokens, one with TLS, client certificates and a token file (a throwaway
# CA made with openssl). Measures Recommend at 1, 8 and 64 calls in flight
# on each, in turns (plaintext, secure, three times over), so that both
# see the machine alike, and stops the servers.
# Usage: bench/run_load.sh [programs] [companies]
set -euo pipefail
cd "$(dirname "$0")/.."
programs=${1:-10000}
companies=${2:-1000}
scripts/build.sh >/dev/null
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT

# The throwaway CA, a server certificate for 127.0.0.1 and a client one.
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
  -days 1 -subj "/CN=jiwon bench CA" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$tmp/server.ext"
printf 'extendedKeyUsage=clientAuth\n' >"$tmp/client.ext"
for who in server client; do
  openssl req "${ec[@]}" -keyout "$tmp/$who.key" -out "$tmp/$who.csr" \
    -subj "/CN=jiwon bench $who" 2>/dev/null
  openssl x509 -req -in "$tmp/$who.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -CAcreateserial -out "$tmp/$who.pem" -days 1 -extfile "$tmp/$who.ext" 2>/dev/null
done
build/clients/jiwon admin token new bench admin --json >"$tmp/token.json"
sed -E 's/.*"token":"([^"]*)".*/\1/' "$tmp/token.json" >"$tmp/token"
sed -E 's/.*"line":"([^"]*)".*/\1/' "$tmp/token.json" >"$tmp/tokens"

start() {  # name, flags...; sets addr
  local name=$1
  shift
  build/server/jiwond --listen=127.0.0.1:0 --data_dir="$tmp/$name" --create_if_missing \
    --port_file="$tmp/$name.port" "$@" >/dev/null 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$tmp/$name.port" ] && break; sleep 0.1; done
  addr="127.0.0.1:$(cat "$tmp/$name.port")"
}
start plain
plain=$addr
start secure --tls_cert="$tmp/server.pem" --tls_key="$tmp/server.key" \
  --tls_client_ca="$tmp/ca.pem" --auth_tokens="$tmp/tokens"
secure=$addr
secure_env=(env JIWON_TLS_CA="$tmp/ca.pem" JIWON_TLS_CERT="$tmp/client.pem"
  JIWON_TLS_KEY="$tmp/client.key" JIWON_TOKEN_FILE="$tmp/token")

echo "$programs programs, $companies companies, $(nproc) cores"
load=(--programs="$programs" --companies="$companies")
build/bench/jiwon_load --addr="$plain" --load "${load[@]}" --in_flight= \
  --warmup_seconds=0 >/dev/null
"${secure_env[@]}" build/bench/jiwon_load --addr="$secure" --load "${load[@]}" \
  --in_flight= --warmup_seconds=0 >/dev/null
for round in 1 2 3; do
  echo "== round $round: plaintext, no tokens ($plain)"
  build/bench/jiwon_load --addr="$plain" "${load[@]}" --seconds=5 --baseline
  echo "== round $round: TLS with client certificates and a bearer token ($secure)"
  "${secure_env[@]}" build/bench/jiwon_load --addr="$secure" "${load[@]}" \
    --seconds=5 --baseline
done
