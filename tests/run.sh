#!/usr/bin/env bash
# Installs what is needed, builds pmbridge twice (warnings as errors; ASan+UBSan) and runs
# the whole test suite — unit tests and integration tests against real slapd and
# PostgreSQL servers that the tests start on loopback — in both builds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

bash deploy/install-deps.sh

status=0
run_suite() {
  local name=$1 dir=$2
  shift 2
  echo "== $name build"
  bash deploy/build.sh "$dir" "$@"
  echo "== $name tests"
  (cd "$dir" && ctest --output-on-failure -j 2 --timeout 600) || status=1
}

# The release build compiles the benchmarks too (tests/bench/run.sh runs them), so they
# cannot rot unnoticed.
run_suite "release" build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPMBRIDGE_WERROR=ON \
  -DPMBRIDGE_BENCH=ON
# detect_leaks: the sanitizer build also checks that every libldap/SOCI handle is freed.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
run_suite "sanitizer" build-asan -DCMAKE_BUILD_TYPE=Debug -DPMBRIDGE_WERROR=ON \
  -DPMBRIDGE_SANITIZE=ON

exit $status
