#!/usr/bin/env bash
# The API's shape: `buf lint` on proto/, then `buf breaking` against the
# previous commit's proto/ (FILE rules: fields and methods may be added,
# none removed, renumbered or retyped). buf comes from the npm registry
# (scripts/buf, installed by scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
buf="$PWD/scripts/buf/node_modules/.bin/buf"
(cd proto && "$buf" lint)
echo "buf lint: clean"
if git rev-parse --verify -q HEAD~1 >/dev/null; then
  "$buf" breaking proto --against ".git#ref=HEAD~1,subdir=proto"
  echo "buf breaking against $(git rev-parse --short HEAD~1): additions only"
else
  # A shallow clone holds no previous commit to compare with.
  echo "buf breaking: SKIPPED, this clone has no commit before HEAD" >&2
fi
