#!/usr/bin/env bash
# Generates the Python message and stub modules of jiwon's protos into OUT
# (default: ../../build/python) with Debian's protoc and grpc_python_plugin,
# which handle proto3 `optional`. The modules are packages `jiwon.v1` and
# `google.rpc`; put OUT and this directory on PYTHONPATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto"
out="${1:-$here/../../build/python}"
mkdir -p "$out"
protoc -I"$proto" -I/usr/include \
  --python_out="$out" --grpc_python_out="$out" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  "$proto"/jiwon/v1/*.proto "$proto"/google/rpc/*.proto
# Regular packages, so that nothing else on the path can shadow them.
touch "$out/jiwon/__init__.py" "$out/jiwon/v1/__init__.py"
