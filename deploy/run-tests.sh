#!/usr/bin/env bash
# Builds thesaban-bot and runs every test through ctest: unit tests, and integration tests that
# start a real redis-server, the real binary and the project's fake LINE API on loopback.
# When ../shared/line-conformance exists, every body the bot sent to the fake LINE API is also
# validated against LINE's official OpenAPI spec, and tests/conformance/*.json conversations are
# replayed against that kit's strict mock of LINE (deploy/conformance-scenarios.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash deploy/install-deps.sh
bash deploy/build.sh

conformance_dir=$(mktemp -d /tmp/thesaban-conformance-XXXXXX)
trap 'rm -rf "$conformance_dir"' EXIT
export THESABAN_CONFORMANCE_DIR="$conformance_dir"
jobs=$(nproc 2>/dev/null || echo 2)
(cd build && ctest --output-on-failure --timeout 300 -j "$jobs")

checker=../shared/line-conformance/run
if [ -x "$checker" ] && command -v node >/dev/null 2>&1; then
  shopt -s nullglob
  bodies=("$conformance_dir"/*.json)
  failed=0
  for body in "${bodies[@]}"; do
    endpoint=$(basename "$body" | cut -d- -f1)
    if ! out=$("$checker" check "$endpoint" "$body" 2>&1); then
      echo "line-conformance: $(basename "$body") rejected:"; echo "$out"; failed=$((failed + 1))
    fi
  done
  echo "line-conformance: $((${#bodies[@]} - failed)) passed, $failed failed"
  # Whole conversations against the kit's own strict mock of LINE (tests/conformance/README.md).
  scenarios_ok=0
  bash deploy/conformance-scenarios.sh || scenarios_ok=1
  [ "$failed" -eq 0 ] && [ "$scenarios_ok" -eq 0 ]
else
  echo "line-conformance: ../shared/line-conformance not found, spec check skipped (not counted)"
fi
