#!/usr/bin/env bash
# Runs every tests/conformance/*.json conversation against the real bot with line-conformance's
# strict mock of LINE's API standing in for LINE (an independent fake, not the project's own).
# Needs ../shared/line-conformance and a built bot (deploy/build.sh); deploy/run-tests.sh calls it.
# Prints "line-conformance scenarios: N passed, M failed"; exit 1 when any failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kit=../shared/line-conformance/run
bot=build/thesaban-bot
[ -x "$kit" ] && [ -x "$bot" ] || { echo "conformance-scenarios: needs $kit and $bot" >&2; exit 2; }

work=$(mktemp -d /tmp/thesaban-scenarios-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 20 s for a line matching $2 in file $1 and prints the first match.
wait_for_line() {
  for _ in $(seq 200); do
    if line=$(grep -m1 -o "$2" "$1" 2>/dev/null); then echo "$line"; return 0; fi
    sleep 0.1
  done
  echo "conformance-scenarios: no '$2' in $1:" >&2; cat "$1" >&2; return 1
}

redis-server --port 0 --unixsocket "$work/redis.sock" --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
"$kit" mock --port 0 --quiet >"$work/mock.log" 2>&1 &
pids+=($!)
mock_url=$(wait_for_line "$work/mock.log" 'http://127\.0\.0\.1:[0-9]*')
for _ in $(seq 100); do [ -S "$work/redis.sock" ] && break; sleep 0.1; done

secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export REDIS_URL="unix://$work/redis.sock" LINE_API_BASE_URL="$mock_url" LINE_DATA_API_BASE_URL="$mock_url"
export LINE_CHANNEL_SECRET="$secret" LINE_CHANNEL_ACCESS_TOKEN=conformance-token PORT=0
export PUBLIC_BASE_URL=https://bot.conformance.example DATA_DIR="$work/data"
TAX_ID_SALT=conformance-salt-0123456789 "$bot" tax-import tests/conformance/notices.csv \
  --config config/thesaban.example.jsonc >/dev/null
"$bot" --config config/thesaban.example.jsonc >"$work/bot.log" 2>&1 &
pids+=($!)
port=$(wait_for_line "$work/bot.log" '"msg":"listening".*"port":"[0-9]*"' | grep -o '"port":"[0-9]*"' | grep -o '[0-9]*')

passed=0 failed=0
for scenario in tests/conformance/*.json; do
  if "$kit" scenario "$scenario" --bot "http://127.0.0.1:$port/webhook" --secret "$secret" --mock "$mock_url" \
      >"$work/out.txt" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "line-conformance scenario $(basename "$scenario") failed:"; grep -v '^PASS' "$work/out.txt" || true
    echo "---- bot log (last 40 lines) ----"; tail -40 "$work/bot.log"
  fi
done
echo "line-conformance scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
