#!/usr/bin/env bash
# The sanitizer stage of deploy/run-tests.sh: a clang build with AddressSanitizer and
# UndefinedBehaviorSanitizer (plus libFuzzer's coverage instrumentation, so that one build also
# gives the fuzzers) in build-sanitize/, then
#   1. the unit tests, instrumented;
#   2. the integration tests (the release test binary) against the instrumented bot binary, each
#      bot's sanitizer reports written to a directory that must stay empty;
#   3. each libFuzzer target of tests/fuzz for FUZZ_SECONDS (default 30) from its checked-in corpus.
# Run after deploy/build.sh (it uses build/integration_tests). Fails on any report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${FUZZ_SECONDS:-30}

cmake -S . -B build-sanitize -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
cmake --build build-sanitize -j "$jobs" --target thesaban-bot unit_tests fuzzers

supp="$PWD/tests/fuzz/ubsan.supp"
reports=$(mktemp -d /tmp/thesaban-sanitizer-XXXXXX)
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0"

# Runs a gtest binary in $jobs shards side by side, each with its own log; fails if any shard does.
run_sharded() {
  local name=$1 binary=$2 filter=$3 shard failed=0
  local pids=()
  for ((shard = 0; shard < jobs; shard++)); do
    GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$shard "$binary" --gtest_brief=1 --gtest_filter="$filter" \
      >"build-sanitize/$name-$shard.log" 2>&1 &
    pids+=($!)
  done
  for ((shard = 0; shard < jobs; shard++)); do
    if wait "${pids[$shard]}"; then
      echo "sanitizers: $name shard $shard: $(tail -1 "build-sanitize/$name-$shard.log")"
    else
      failed=1
      echo "sanitizers: $name shard $shard FAILED:"; grep -v '^{"ts"' "build-sanitize/$name-$shard.log" | tail -80
    fi
  done
  return $failed
}

echo "sanitizers: unit tests, instrumented"
run_sharded unit build-sanitize/unit_tests '*'

echo "sanitizers: integration tests against build-sanitize/thesaban-bot"
# Reports of the bots the tests start go to files (a bot killed on purpose must not hide one).
# The minute-long LINE outage test is left to the release run: it waits, it does not exercise
# more code.
ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$reports/asan" UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$reports/ubsan" \
  THESABAN_BOT_UNDER_TEST="$PWD/build-sanitize/thesaban-bot" \
  run_sharded integration build/integration_tests "${SANITIZE_INTEGRATION_FILTER:-"-Faults.AMinuteOfLineOutage*"}" ||
  integration_failed=1
# A report is an ERROR (ASan, LSan) or a "runtime error" (UBSan); ASan's one-line warning that it
# "doesn't fully support makecontext/swapcontext" (the fibers, announced to it) is not one.
if reported=$(grep -l -E 'ERROR: |runtime error' "$reports"/* 2>/dev/null); then
  echo "sanitizers: the bot reported errors:"; cat $reported; exit 1
fi
[ "${integration_failed:-0}" -eq 0 ] || exit 1

echo "sanitizers: each fuzzer for ${fuzz_seconds} s, $jobs at a time"
run_fuzzer() {
  local fuzzer=$1 name work log
  name=$(basename "$fuzzer" _fuzz)
  work=build-sanitize/fuzz/corpus-$name
  log=build-sanitize/fuzz/$name.log
  rm -rf "$work" && mkdir -p "$work"
  if "$fuzzer" -max_total_time="$fuzz_seconds" -seed=1 -print_final_stats=1 \
      -artifact_prefix="build-sanitize/fuzz/$name-" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    echo "fuzz $name: $(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') inputs, no report"
  else
    echo "fuzz $name: FAILED (the input is saved as build-sanitize/fuzz/$name-crash-* or -leak-*, -timeout-*)"
    tail -40 "$log"
    return 1
  fi
}
export -f run_fuzzer
export fuzz_seconds
failed=0
printf '%s\n' build-sanitize/fuzz/*_fuzz | xargs -P "$jobs" -I{} bash -c 'run_fuzzer {}' || failed=1
rm -rf "$reports"
exit $failed
