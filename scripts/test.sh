#!/usr/bin/env bash
# Installs what is needed, builds reghub (warnings are errors), runs every
# test with ctest, runs each fuzzer for a bounded number of inputs, and
# checks that no test output contains a full CPR number.
# Usage: scripts/test.sh            (from anywhere; build dirs go to ./build*)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${REGHUB_JOBS:-$(nproc)}

"$root/deploy/install-deps.sh"

echo "== build (gcc, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGHUB_WERROR=ON >/dev/null
cmake --build build -j"$jobs"

echo "== tests"
log="$root/build/test-output.log"
# Verbose output (every test's own output) goes to the log, which is then
# scanned for CPR numbers; the console gets failures and the summary.
set +e
ctest --test-dir build -V --output-on-failure -j"$jobs" --timeout 900 >"$log" 2>&1
status=$?
set -e
grep -E '^[0-9]+/[0-9]+ Test +#' "$log" | grep -v ' Passed ' || true
if [ "$status" -ne 0 ]; then
  echo "-- output of failed tests (full log: $log):"
  awk '/\*\*\*Failed|Failed  /{print}' "$log"
  grep -B2 -A30 -E '^\[  FAILED  \]' "$log" | head -400 || true
fi
sed -n '/tests passed, /,$p' "$log"

if [ "${REGHUB_SKIP_FUZZ:-0}" != "1" ]; then
  echo "== fuzzers (clang, libFuzzer + ASan, bounded runs)"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGHUB_FUZZ=ON \
    -DREGHUB_TESTS=OFF -DREGHUB_BENCH=OFF >/dev/null
  cmake --build build-fuzz -j"$jobs" --target reghub_fuzzers
  set +e
  ctest --test-dir build-fuzz --output-on-failure 2>&1 | tee -a "$log"
  fstatus=${PIPESTATUS[0]}
  set -e
  [ "$fstatus" -eq 0 ] || status=$fstatus
fi

echo "== personal data: no full CPR number in any test output"
if "$root/scripts/cpr-scan.sh" "$log"; then
  echo "no full CPR number found in $(wc -l <"$log") lines of test output"
else
  status=1
fi
exit "$status"
