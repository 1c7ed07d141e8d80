#!/usr/bin/env bash
# The Active Directory latency benchmark (issue 6), run by `bash tests/bench/run.sh
# ad-latency` after the build: usage ad_latency.sh BUILD_DIR.
#
# One Samba AD DC (tests/fixtures/samba.sh) seeded by ad_clinic_staff_ldif.sh with one
# population of PMBRIDGE_BENCH_REMOVALS people per phase, each in a mapped group (the groups
# of mappings/clinic.yaml, at their AD DNs):
#   1. raw: each person of population "raw" is deleted as Administrator and a bare DirSync
#      poll (tests/bench/dirsync_poll.h) runs at once after, and again until the deletion
#      shows: the delete's round trip and what a poll costs on this DC, idle and with the
#      deletion in it.
#   2. per change detection (dirsync, usn) and database (sqlite3, postgresql): `pmbridge db
#      init`, the providers, then `pmbridge run` polls the DC every poll_interval; after its
#      first reconcile each person of that phase's population is deleted, one at a time,
#      timed until pm_users.active = 0 is seen on a separate read connection. Each removal
#      waits a random 0 .. poll_interval after the last one is through, so removals fall
#      evenly over the daemon's poll cycle. Expected: about half the interval (a removal
#      waits for the next poll) plus the poll and the apply.
#
# Samba always listens on 127.0.0.1:389: one DC per network namespace. The script stops at
# once if that port is taken; to run beside other DCs, give it a namespace of its own:
#   unshare -n sh -c 'ip link set lo up; exec bash tests/bench/ad_latency.sh BUILD_DIR'
#
# Environment: PMBRIDGE_BENCH_REMOVALS (default 100: AD deletes are slower than slapd's),
# PMBRIDGE_BENCH_POLL_INTERVAL (directory.poll_interval, default 250ms),
# PMBRIDGE_BENCH_DETECTIONS (default "dirsync usn"), PMBRIDGE_BENCH_BACKENDS (default
# "sqlite3 postgresql"), PMBRIDGE_BENCH_KEEP=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: ad_latency.sh BUILD_DIR}" && pwd)
source "$here/bench_lib.sh"

pmbridge=$build/bridge/cli/pmbridge
measure=$build/tests/bench/daemon_latency
removals=${PMBRIDGE_BENCH_REMOVALS:-100}
poll_interval=${PMBRIDGE_BENCH_POLL_INTERVAL:-250ms}
read -r -a detections <<<"${PMBRIDGE_BENCH_DETECTIONS:-dirsync usn}"
read -r -a backends <<<"${PMBRIDGE_BENCH_BACKENDS:-sqlite3 postgresql}"
for program in "$pmbridge" "$measure"; do
  [ -x "$program" ] || { echo "ad_latency.sh: $program is not built" >&2; exit 1; }
done
command -v samba >/dev/null ||
  { echo "ad_latency.sh: needs Samba (samba, samba-tool: apt-get install samba)" >&2; exit 1; }
# The interval in ms, for the report: 250ms, 1s, 2m (config's duration forms).
case $poll_interval in
  *ms) interval_ms=${poll_interval%ms} ;;
  *s) interval_ms=$((${poll_interval%s} * 1000)) ;;
  *m) interval_ms=$((${poll_interval%m} * 60000)) ;;
  *) interval_ms=$poll_interval ;;
esac
# A listener on port 389 (0x0185) of 127.0.0.1 or of every address, in this namespace.
if awk 'NR > 1 && $4 == "0A" && $2 ~ /^(0100007F|00000000):0185$/ { found = 1 }
        END { exit !found }' /proc/net/tcp; then
  echo "ad_latency.sh: 127.0.0.1:389 is taken (another DC or LDAP server in this network" \
    "namespace); Samba cannot listen elsewhere. Run the benchmark in a namespace of its own:" \
    "unshare -n sh -c 'ip link set lo up; exec bash tests/bench/ad_latency.sh BUILD_DIR'" >&2
  exit 1
fi

work=$(mktemp -d /tmp/pmbridge-bench-ad-latency.XXXXXX)
finished=
cleanup() {
  bench_stop_daemon || true
  bash "$root/tests/fixtures/samba.sh" stop "$work/dc" >/dev/null 2>&1 || true
  bench_release "$BENCH_PG_DIR" "$work" "$finished" "daemon logs, samples.csv with every removal"
}
trap cleanup EXIT

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
report=$work/results.txt
samples=$work/samples.csv
echo "phase,uid,removed_at,delete_round_trip_ms,removal_to_disable_ms" >"$samples"

# Populations double as login prefixes (raw-00001, ds-sqlite-00001, usn-pg-00001, ...),
# short enough for a sAMAccountName.
population() {
  local detection=${1/dirsync/ds} backend=${2/postgresql/pg}
  echo "$detection-${backend/sqlite3/sqlite}"
}
populations=(raw)
for detection in "${detections[@]}"; do
  for backend in "${backends[@]}"; do populations+=("$(population "$detection" "$backend")"); done
done
"$here/ad_clinic_staff_ldif.sh" "$removals" "${populations[@]}" >"$work/clinic.ldif"

echo "== Samba AD DC on 127.0.0.1:389"
# The owner pid: the DC goes too should this script be killed before its cleanup.
dc=$(bash "$root/tests/fixtures/samba.sh" start "$work/dc" $$)
eval "$dc"
people_base="OU=People,OU=Clinic,$BASE_DN"
groups_base="OU=Groups,OU=Clinic,$BASE_DN"
seeded_at=$(date +%s%N)
ldapadd -x -H "$LDAP_URL" -D "$ADMIN_DN" -w "$ADMIN_PASSWORD" -f "$work/clinic.ldif" \
  >"$work/seed.log" 2>&1 || { tail -n 20 "$work/seed.log" >&2; exit 1; }
echo "   seeded $(grep -c '^sAMAccountName: .*-[0-9]*$' "$work/clinic.ldif") people in" \
  "$((${#populations[@]})) populations, 4 mapped groups in" \
  "$((($(date +%s%N) - seeded_at) / 1000000)) ms"
# The sample mappings, at the groups' AD DNs.
sed "s/cn=\(pm-[a-z-]*\),ou=groups,dc=clinic,dc=example/CN=\1,$groups_base/" \
  "$root/mappings/clinic.yaml" >"$work/clinic-ad.yaml"

ad=(--flavor active_directory --url "$LDAP_URL" --admin-dn "$ADMIN_DN"
  --admin-password "$ADMIN_PASSWORD" --people-base "$people_base")

echo "== phase raw: $removals removals, each followed at once by bare DirSync polls"
"$measure" dirsync "${ad[@]}" --naming-context "$BASE_DN" --prefix raw --count "$removals" \
  --report "$report" --samples "$samples"

# write_config DIR DETECTION CONNECTION ADMIN_PORT: the bridge following the DC as
# Administrator (DirSync needs "Replicating Directory Changes", which a fresh domain grants
# to administrators only), with a mass-disable guard of 100%, so the removals, one at a
# time, are never held back.
write_config() {
  local dir=$1 detection=$2 connection=$3 admin_port=$4
  (umask 077 && printf '%s\n' "$ADMIN_PASSWORD" >"$dir/ldap.secret")
  cat >"$dir/bridge.yaml" <<EOF_CONFIG
version: 1
directory:
  url: $LDAP_URL
  flavor: active_directory
  bind_dn: $ADMIN_DN
  bind_password_file: ldap.secret
  timeout: 5s
  users:
    base_dn: $people_base
  groups:
    base_dn: $groups_base
  change_detection: $detection
  poll_interval: $poll_interval
database:
  connection: "$connection"
mappings: $work/clinic-ad.yaml
safety:
  max_disables_per_run: 100%
daemon:
  full_reconcile_interval: 1h
  admin_listen: 127.0.0.1:$admin_port
EOF_CONFIG
}

for detection in "${detections[@]}"; do
  for backend in "${backends[@]}"; do
    prefix=$(population "$detection" "$backend")
    dir=$work/$prefix
    bench_database "$backend" "$dir" "pmbridge_bench_$detection"
    label="$detection, $BENCH_DB_LABEL"
    echo "== phase $label: pmbridge run polling the DC every $poll_interval into $BENCH_DB_LABEL"
    admin_port=$(bench_free_port)
    write_config "$dir" "$detection" "$backend://$BENCH_DB" "$admin_port"
    "$pmbridge" --config "$dir/bridge.yaml" db init >"$dir/db-init.log" 2>&1 ||
      { cat "$dir/db-init.log" >&2; exit 1; }
    bench_sql "INSERT INTO pm_providers (code, name) VALUES ('DRSMITH', 'Dr. Smith'),
           ('DRJONES', 'Dr. Jones'), ('DRPATEL', 'Dr. Patel')"
    bench_start_daemon "$pmbridge" "$dir/bridge.yaml" "$dir/daemon.log"
    grep 'reconcile\.done' "$dir/daemon.log" | head -n 1
    echo "   $removals removals, each waited through before the next"
    "$measure" disable "${ad[@]}" --backend "$backend" --db "$BENCH_DB" --label "$label" \
      --admin-port "$admin_port" --prefix "$prefix" --count "$removals" \
      --poll-interval-ms "$interval_ms" --jitter-ms "$interval_ms" --report "$report" --samples "$samples"
    bench_stop_daemon
  done
done

echo
# Other work on the machine shows in the tail: the load average goes with the figures.
echo "== results: $(nproc) cores, Linux $(uname -r), Samba $(samba --version | sed 's/^Version //');" \
  "poll_interval $poll_interval (expect about half of it, plus a poll, plus the apply);" \
  "load average at start $load_at_start, at end" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
cat "$report"
finished=1
