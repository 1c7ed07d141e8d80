#!/usr/bin/env bash
# The daemon latency benchmark (issue 4), run by `bash tests/bench/run.sh daemon-latency`
# after the build: usage daemon_latency.sh BUILD_DIR.
#
# One slapd (syncprov) on loopback, seeded by clinic_staff_ldif.sh with one population of
# PMBRIDGE_BENCH_REMOVALS people per phase, each in a mapped group of mappings/clinic.yaml:
#   1. raw: a bare libldap refreshAndPersist consumer; each person of population "raw" is
#      deleted by the rootdn, timed from just before the request to the notification.
#   2. per database (sqlite3, postgresql): `pmbridge db init`, the providers, then
#      `pmbridge run` follows the directory; after its first reconcile each person of that
#      database's population is deleted, one at a time, timed until pm_users.active = 0 is
#      seen on a separate read connection (polled every 200 us). The bare consumer runs
#      alongside, and the daemon's own histogram is read from GET /metrics.
# The populations keep the phases apart: a phase's removals are done before the next
# daemon starts, and never concern the accounts it measures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: daemon_latency.sh BUILD_DIR}" && pwd)
source "$here/bench_lib.sh"

pmbridge=$build/bridge/cli/pmbridge
measure=$build/tests/bench/daemon_latency
removals=${PMBRIDGE_BENCH_REMOVALS:-200}
read -r -a backends <<<"${PMBRIDGE_BENCH_BACKENDS:-sqlite3 postgresql}"
for program in "$pmbridge" "$measure"; do
  [ -x "$program" ] || { echo "daemon_latency.sh: $program is not built" >&2; exit 1; }
done

work=$(mktemp -d /tmp/pmbridge-bench-daemon-latency.XXXXXX)
finished=
cleanup() {
  bench_stop_daemon || true
  bash "$root/tests/fixtures/slapd.sh" stop "$work/slapd" >/dev/null 2>&1 || true
  bench_release "$BENCH_PG_DIR" "$work" "$finished" "daemon logs, samples.csv with every removal"
}
trap cleanup EXIT

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
report=$work/results.txt
samples=$work/samples.csv
echo "phase,uid,removed_at,removal_to_notification_ms,removal_to_disable_ms" >"$samples"

# Population names double as uid prefixes: raw-00001, sqlite3-00001, postgresql-00001, ...
"$here/clinic_staff_ldif.sh" "$removals" raw "${backends[@]}" >"$work/clinic.ldif"
people=$(grep -c '^dn: uid=' "$work/clinic.ldif")
echo "== slapd with syncprov: $people people in ou=people, 4 mapped groups"
# SLAPD_OWNER_PID: slapd goes too should this script be killed before its cleanup.
eval "$(SLAPD_OWNER_PID=$$ bash "$root/tests/fixtures/slapd.sh" start "$work/slapd" \
  "$(bench_free_port)" "$work/clinic.ldif")"

echo "== phase raw: $removals removals against a bare refreshAndPersist consumer"
"$measure" notification --url "$LDAP_URL" --prefix raw --count "$removals" \
  --report "$report" --samples "$samples"

for backend in "${backends[@]}"; do
  dir=$work/$backend
  bench_database "$backend" "$dir" pmbridge_bench
  label=$BENCH_DB_LABEL
  echo "== phase $label: pmbridge run following slapd into $label"
  admin_port=$(bench_free_port)
  bench_write_config "$dir" "$LDAP_URL" "$backend://$BENCH_DB" "$root/mappings/clinic.yaml" \
    "$admin_port"
  "$pmbridge" --config "$dir/bridge.yaml" db init >"$dir/db-init.log" 2>&1 ||
    { cat "$dir/db-init.log" >&2; exit 1; }
  bench_sql "INSERT INTO pm_providers (code, name) VALUES ('DRSMITH', 'Dr. Smith'),
         ('DRJONES', 'Dr. Jones'), ('DRPATEL', 'Dr. Patel')"
  bench_start_daemon "$pmbridge" "$dir/bridge.yaml" "$dir/daemon.log"
  grep 'reconcile\.done' "$dir/daemon.log" | head -n 1
  echo "   $removals removals, each waited through before the next"
  "$measure" disable --url "$LDAP_URL" --backend "$backend" --db "$BENCH_DB" --label "$label" \
    --admin-port "$admin_port" --prefix "$backend" --count "$removals" \
    --report "$report" --samples "$samples"
  bench_stop_daemon
done

echo
# Other work on the machine shows in the tail: the load average goes with the figures.
echo "== results: $(nproc) cores, Linux $(uname -r), $(slapd -VV 2>&1 | grep -o 'slapd [0-9.]*' |
  head -n 1); load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$report"
finished=1
