#!/usr/bin/env bash
# Installs the Debian 12 packages jiwon builds and tests with, when missing.
# Runs apt-get as root, or through sudo otherwise.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libjemalloc-dev
  clang libclang-rt-14-dev
  libssl-dev openssl
  libcurl4-openssl-dev libcpp-httplib-dev curl
  prometheus-cpp-dev libicu-dev
  python3 python3-grpcio python3-protobuf python3-yaml
  dpkg-dev file systemd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm, for the Node client and buf: any install will do (this
# machine's may come from elsewhere than Debian).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The npm packages, from package-lock.json, when the lock file changed since
# the last install.
cd "$(dirname "$0")/.."
for dir in clients/node scripts/buf; do
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.jiwon-installed-lock"; then
    echo "installing npm packages of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.jiwon-installed-lock"
  fi
done
