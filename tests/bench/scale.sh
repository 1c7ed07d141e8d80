#!/usr/bin/env bash
# The scale benchmark (issue 5), run by `bash tests/bench/run.sh scale` after the build:
# usage scale.sh BUILD_DIR.
#
# For each size (PMBRIDGE_BENCH_SIZES, default "10000 100000"; 1000000 is the optional
# large point), with ten groups per thousand people (at least 100; 1,000 at 100k):
#   1. scale_directory writes a deterministic directory (about 3 team memberships per
#      person, teams nested in mapped departments), its 1% churn, the mapping and the
#      providers; slapadd -q loads it into a benchmark slapd (syncprov) on loopback.
#   2. Raw read: a paged ldapsearch (page size 500, the bridge's default) of the entries and
#      attributes the bridge reads, users then groups, as the bridge's service account.
#   3. Per database (SQLite file; PostgreSQL on loopback): pmbridge db init and the
#      providers, then, each under /usr/bin/time -v:
#        first   `pmbridge reconcile` into the empty database;
#        no-op   `pmbridge reconcile` again, nothing to change;
#      and then raw load: every row the first reconcile wrote (pm_users, pm_user_rights,
#      pm_user_providers, pmbridge_links, pmbridge_audit) is exported to CSV and bulk
#      loaded into a fresh database of the same schema in one transaction: sqlite3 .import
#      (with pmbridge's pragmas: WAL, synchronous=NORMAL, foreign keys on) or psql \copy.
#   4. churn.ldif is applied with ldapmodify (0.3% hires, 0.3% departures, 0.4% team
#      moves), then `pmbridge reconcile` on each database.
# Wall times are the median of PMBRIDGE_BENCH_REPEAT runs (default 3) for the raw read and
# the no-op reconcile; the first reconcile, the raw load and the churn run once (each needs
# a fresh state). Each no-op run is also paired with a raw read just before it, and the
# table adds the median of those pairs' ratios ("no-op, paired"). Peak memory is the
# largest maximum resident set size of the pmbridge runs.
#
# The table: each figure, the raw limit beside it and the ratio, against the targets of
# DESIGN.md ("Performance targets", at 100k users): first reconcile <= 1.5 x (raw read + raw
# load), no-op <= 1.3 x raw read, peak memory < 300 MB, and cost linear from the smallest to
# the largest size (time per person, largest / smallest). Nothing fails on a figure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: scale.sh BUILD_DIR}" && pwd)
source "$here/bench_lib.sh"

pmbridge=$build/bridge/cli/pmbridge
generate=$build/tests/bench/scale_directory
read -r -a sizes <<<"${PMBRIDGE_BENCH_SIZES:-10000 100000}"
read -r -a backends <<<"${PMBRIDGE_BENCH_BACKENDS:-sqlite3 postgresql}"
repeat=${PMBRIDGE_BENCH_REPEAT:-3}
for program in "$pmbridge" "$generate"; do
  [ -x "$program" ] || { echo "scale.sh: $program is not built" >&2; exit 1; }
done
for tool in ldapsearch ldapmodify sqlite3 psql /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "scale.sh: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d /tmp/pmbridge-bench-scale.XXXXXX)
pg_dir=
slapd_dir=
finished=
cleanup() {
  [ -z "$slapd_dir" ] || bash "$root/tests/fixtures/slapd.sh" stop "$slapd_dir" >/dev/null 2>&1 || true
  bench_release "$pg_dir" "$work" "$finished"
}
trap cleanup EXIT
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
results=$work/results.tsv # size backend figure milliseconds-or-kilobytes
: >"$results"

now_ns() { date +%s%N; }

# timed LOG CMD...: runs CMD under /usr/bin/time -v (its report in LOG.time, its output in
# LOG), and sets TIMED_MS (wall clock) and TIMED_KB (maximum resident set size). CMD failing
# ends the benchmark, showing its output.
TIMED_MS=0
TIMED_KB=0
timed() {
  local log=$1 start end status=0
  shift
  start=$(now_ns)
  /usr/bin/time -v -o "$log.time" "$@" >"$log" 2>&1 || status=$?
  end=$(now_ns)
  if [ $status -ne 0 ]; then
    echo "scale.sh: '$*' failed with status $status:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  TIMED_MS=$(((end - start) / 1000000))
  TIMED_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log.time")
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"; }

raw_read() {
  local base=dc=clinic,dc=example
  ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URL" -D "cn=pmbridge,ou=services,$base" \
    -w pmbridge-demo-secret -E pr=500/noprompt -b "ou=people,$base" \
    '(objectClass=inetOrgPerson)' entryUUID uid givenName sn initials mail >/dev/null
  ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URL" -D "cn=pmbridge,ou=services,$base" \
    -w pmbridge-demo-secret -E pr=500/noprompt -b "ou=groups,$base" \
    '(objectClass=groupOfNames)' member entryUUID >/dev/null
}

start_postgres() {
  pg_dir=$(mktemp -d /tmp/pmbridge-bench-pg.XXXXXX)
  local port
  port=$(bench_free_port)
  pg_admin=$(bash "$root/tests/fixtures/postgres.sh" start "$pg_dir" "$port" $$ |
    sed -n 's/^PG_CONNECT=//p')
  pg_base="host=127.0.0.1 port=$port user=postgres"
}

# fresh_database BACKEND DIR NAME: an empty database with pmbridge's schema and the
# providers; sets DB_CONNECTION (for bridge.yaml) and DB_TARGET (for sqlite3 / psql).
fresh_database() {
  local backend=$1 dir=$2 name=$3
  mkdir -p "$dir"
  case $backend in
    sqlite3)
      rm -f "$dir/$name.db" "$dir/$name.db-wal" "$dir/$name.db-shm"
      DB_TARGET=$dir/$name.db
      DB_CONNECTION="sqlite3://db=$DB_TARGET"
      ;;
    postgresql)
      PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 -d "$pg_admin" \
        -c "DROP DATABASE IF EXISTS $name" \
        -c "CREATE DATABASE $name"
      DB_TARGET="$pg_base dbname=$name"
      DB_CONNECTION="postgresql://$DB_TARGET"
      ;;
  esac
  bench_write_config "$dir/$name" "$LDAP_URL" "$DB_CONNECTION" "$data/mappings" "$(bench_free_port)"
  "$pmbridge" --config "$dir/$name/bridge.yaml" db init >"$dir/$name/db-init.log" 2>&1 ||
    { cat "$dir/$name/db-init.log" >&2; exit 1; }
  db_sql "$backend" "$DB_TARGET" <"$data/providers.sql"
}

# db_sql BACKEND TARGET: runs standard input as SQL.
db_sql() {
  case $1 in
    sqlite3) sqlite3 -bail "$2" ;;
    postgresql) psql -X -q -v ON_ERROR_STOP=1 -d "$2" ;;
  esac
}

tables=(pm_users pm_user_rights pm_user_providers pmbridge_links pmbridge_audit)

# export_rows BACKEND TARGET DIR: every row the bridge wrote, as DIR/<table>.csv.
export_rows() {
  local backend=$1 target=$2 out=$3 t
  mkdir -p "$out"
  for t in "${tables[@]}"; do
    case $backend in
      sqlite3) sqlite3 -csv "$target" "SELECT * FROM $t" >"$out/$t.csv" ;;
      postgresql) psql -X -q -d "$target" -c "\\copy $t TO '$out/$t.csv' CSV" ;;
    esac
  done
}

# load_script BACKEND DIR: the raw load of DIR/*.csv, one transaction.
load_script() {
  local backend=$1 csv=$2 t
  case $backend in
    sqlite3)
      printf '%s\n' 'PRAGMA journal_mode = WAL;' 'PRAGMA synchronous = NORMAL;' \
        'PRAGMA foreign_keys = ON;' 'BEGIN;'
      for t in "${tables[@]}"; do printf '.import --csv %s %s\n' "$csv/$t.csv" "$t"; done
      echo 'COMMIT;'
      ;;
    postgresql)
      echo 'BEGIN;'
      for t in "${tables[@]}"; do printf "\\\\copy %s FROM '%s' CSV\n" "$t" "$csv/$t.csv"; done
      echo 'COMMIT;'
      ;;
  esac
}

for size in "${sizes[@]}"; do
  groups=$((size / 100))
  [ $groups -ge 100 ] || groups=100
  data=$work/$size
  echo "== $size people, $groups groups: generating"
  "$generate" --users "$size" --groups "$groups" --out "$data"
  slapd_dir=$data/slapd
  start=$(now_ns)
  # mdb's map: about 4 KB per person with indexes, and room to spare.
  eval "$(SLAPD_MAXSIZE=$((size * 8192 + 1073741824)) SLAPD_OWNER_PID=$$ \
    bash "$root/tests/fixtures/slapd.sh" start "$slapd_dir" \
    "$(bench_free_port)" "$data/directory.ldif")"
  echo "   slapadd -q and slapd start: $((($(now_ns) - start) / 1000000)) ms;" \
    "$(grep -c '^member:' "$data/directory.ldif") memberships"

  echo "   raw read (paged ldapsearch), $repeat times"
  for _ in $(seq "$repeat"); do
    start=$(now_ns)
    raw_read
    echo $((($(now_ns) - start) / 1000000))
  done | median >"$data/raw-read.ms"
  record "$size" - raw_read "$(cat "$data/raw-read.ms")"

  [ -n "$pg_dir" ] || { for b in "${backends[@]}"; do [ "$b" != postgresql ] || start_postgres; done; }

  for backend in "${backends[@]}"; do
    dir=$data/$backend
    echo "   $backend: first reconcile, no-op reconcile, raw load"
    fresh_database "$backend" "$dir" bridge
    config=$dir/bridge/bridge.yaml
    bridge_target=$DB_TARGET
    timed "$dir/first.log" "$pmbridge" --config "$config" reconcile
    record "$size" "$backend" first "$TIMED_MS"
    record "$size" "$backend" first_kb "$TIMED_KB"
    # Each no-op run right after a raw read of its own: on a VM whose speed drifts by a
    # third within minutes, the ratio of the pair is steadier than either time.
    for k in $(seq "$repeat"); do
      start=$(now_ns)
      raw_read
      raw_ms=$((($(now_ns) - start) / 1000000))
      timed "$dir/noop-$k.log" "$pmbridge" --config "$config" reconcile
      grep -q '^Nothing to do' "$dir/noop-$k.log" ||
        { echo "scale.sh: the second reconcile changed something:" >&2; head -n 20 "$dir/noop-$k.log" >&2; exit 1; }
      echo "$TIMED_MS $TIMED_KB $raw_ms $((TIMED_MS * 1000 / raw_ms))"
    done >"$dir/noop.runs"
    record "$size" "$backend" noop "$(cut -d' ' -f1 "$dir/noop.runs" | median)"
    record "$size" "$backend" noop_kb "$(cut -d' ' -f2 "$dir/noop.runs" | sort -n | tail -n 1)"
    record "$size" "$backend" noop_pair_raw "$(cut -d' ' -f3 "$dir/noop.runs" | median)"
    record "$size" "$backend" noop_pair_permille "$(cut -d' ' -f4 "$dir/noop.runs" | median)"

    export_rows "$backend" "$bridge_target" "$dir/rows"
    fresh_database "$backend" "$dir" rawload
    load_script "$backend" "$dir/rows" >"$dir/rawload.sql"
    case $backend in
      sqlite3) timed "$dir/rawload.log" sqlite3 -bail "$DB_TARGET" ".read $dir/rawload.sql" ;;
      postgresql) timed "$dir/rawload.log" psql -X -q -v ON_ERROR_STOP=1 -d "$DB_TARGET" -f "$dir/rawload.sql" ;;
    esac
    record "$size" "$backend" raw_load "$TIMED_MS"
    wc -l "$dir"/rows/*.csv | sed -n '$s/^ */     rows loaded: /p'
  done

  echo "   churn: ldapmodify of $(grep -c '^dn:' "$data/churn.ldif") changes"
  ldapmodify -x -H "$LDAP_URL" -D cn=admin,dc=clinic,dc=example -w admin-secret \
    -f "$data/churn.ldif" >"$data/churn.log"
  for backend in "${backends[@]}"; do
    dir=$data/$backend
    timed "$dir/churn.log" "$pmbridge" --config "$dir/bridge/bridge.yaml" reconcile
    record "$size" "$backend" churn "$TIMED_MS"
    record "$size" "$backend" churn_kb "$TIMED_KB"
    grep '^Applied' "$dir/churn.log" | sed 's/^/     /'
  done

  bash "$root/tests/fixtures/slapd.sh" stop "$slapd_dir" >/dev/null
  slapd_dir=
done

echo
echo "== results: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
echo "   Linux $(uname -r), $(slapd -VV 2>&1 | grep -o 'slapd [0-9.]*' | head -n 1)," \
  "SQLite $(sqlite3 --version | cut -d' ' -f1), $(psql --version | cut -d' ' -f2-)"
echo "   load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/scale_table.py" "$results"
finished=1
