#!/usr/bin/env bash
# The benchmarks behind DESIGN.md's "Performance targets". One command: builds pmbridge and
# the benchmark programs (-DPMBRIDGE_BENCH=ON, RelWithDebInfo) into build-bench, then runs
# the benchmark named, against real servers on loopback, and prints its figures. Nothing
# here passes or fails on a timing; the targets are printed beside the figures.
#
#   bash tests/bench/run.sh [BENCHMARK]
#
#   daemon-latency   (the default; issue 4) removal -> syncrepl notification on a bare
#                    libldap consumer, and removal -> committed disable through
#                    `pmbridge run`, on SQLite and PostgreSQL. See daemon_latency.sh.
#   scale            (issue 5) first, no-op and 1%-churn reconciles and peak memory at 10k
#                    and 100k people, beside a paged ldapsearch and a bulk load of the same
#                    rows. See scale.sh.
#   ad-latency       (issue 6) removal -> committed disable through `pmbridge run` polling a
#                    Samba AD DC with change_detection dirsync and usn, on SQLite and
#                    PostgreSQL, beside the delete's round trip and a bare DirSync poll.
#                    Needs 127.0.0.1:389 free (one DC per network namespace). See
#                    ad_latency.sh.
#
# Environment:
#   PMBRIDGE_BENCH_BUILD     build directory (default: build-bench in the source tree)
#   PMBRIDGE_BENCH_REMOVALS  daemon-latency, ad-latency: removals per phase (default 200;
#                            ad-latency 100)
#   PMBRIDGE_BENCH_POLL_INTERVAL  ad-latency: directory.poll_interval (default 250ms)
#   PMBRIDGE_BENCH_DETECTIONS     ad-latency: change detections (default "dirsync usn")
#   PMBRIDGE_BENCH_SIZES     scale: people per size point (default "10000 100000"; add 1000000
#                            for the optional large point)
#   PMBRIDGE_BENCH_REPEAT    scale: runs of the raw read and no-op reconcile (median; default 3)
#   PMBRIDGE_BENCH_BACKENDS  databases to follow into (default "sqlite3 postgresql")
#   PMBRIDGE_BENCH_KEEP=1    keep the run's directory (logs, per-removal samples)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

benchmark=${1:-daemon-latency}
case $benchmark in
  daemon-latency | scale | ad-latency) ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "run.sh: unknown benchmark '$benchmark' (known: daemon-latency, scale, ad-latency)" >&2
    exit 2
    ;;
esac

bash "$root/deploy/install-deps.sh"
build=${PMBRIDGE_BENCH_BUILD:-$root/build-bench}
mkdir -p "$build"
echo "== building pmbridge and the benchmarks into $build"
if ! bash "$root/deploy/build.sh" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPMBRIDGE_BENCH=ON -DPMBRIDGE_TESTS=OFF >"$build/bench-build.log" 2>&1; then
  tail -n 40 "$build/bench-build.log" >&2
  echo "run.sh: the build failed (whole log: $build/bench-build.log)" >&2
  exit 1
fi

case $benchmark in
  daemon-latency) exec bash "$here/daemon_latency.sh" "$build" ;;
  scale) exec bash "$here/scale.sh" "$build" ;;
  ad-latency) exec bash "$here/ad_latency.sh" "$build" ;;
esac
