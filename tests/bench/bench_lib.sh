# shellcheck shell=bash
# Shell helpers shared by the benchmark scripts (sourced, bash): ports, the bridge's config,
# and a daemon in the background. Fixtures stay in tests/fixtures (slapd.sh, postgres.sh).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# A TCP port on 127.0.0.1 that was free a moment ago.
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_write_config DIR LDAP_URL CONNECTION MAPPINGS ADMIN_PORT
# Writes DIR/bridge.yaml and DIR/ldap.secret (0600) for the sample clinic: the service
# account, the default OpenLDAP attributes and syncrepl, CONNECTION ("sqlite3://db=..." or
# "postgresql://host=..."), and a mass-disable guard of 100%, so the benchmark's removals,
# one at a time, are never held back.
bench_write_config() {
  local dir=$1 url=$2 connection=$3 mappings=$4 admin_port=$5
  mkdir -p "$dir"
  (umask 077 && printf '%s\n' 'pmbridge-demo-secret' >"$dir/ldap.secret")
  chmod 600 "$dir/ldap.secret"
  cat >"$dir/bridge.yaml" <<EOF_CONFIG
version: 1
directory:
  url: $url
  bind_dn: cn=pmbridge,ou=services,dc=clinic,dc=example
  bind_password_file: ldap.secret
  timeout: 5s
  users:
    base_dn: ou=people,dc=clinic,dc=example
  groups:
    base_dn: ou=groups,dc=clinic,dc=example
  change_detection: syncrepl
database:
  connection: "$connection"
mappings: $mappings
safety:
  max_disables_per_run: 100%
daemon:
  full_reconcile_interval: 1h
  admin_listen: 127.0.0.1:$admin_port
EOF_CONFIG
}

# bench_database BACKEND DIR NAME: the database a phase follows into, empty. sqlite3:
# DIR/practice.db. postgresql: database NAME on the fixture server (tests/fixtures/postgres.sh),
# started on first use and kept for the run in BENCH_PG_DIR (pass it to bench_release).
# Sets BENCH_DB (SOCI's key=value form) and BENCH_DB_LABEL; bench_sql SQL runs SQL on it.
BENCH_PG_DIR=
BENCH_PG_PORT=
BENCH_DB=
BENCH_DB_BACKEND=
BENCH_DB_LABEL=
# shellcheck disable=SC2034  # BENCH_DB_LABEL is for the calling script
bench_database() {
  local backend=$1 dir=$2 name=$3 admin
  mkdir -p "$dir"
  BENCH_DB_BACKEND=$backend
  case $backend in
    sqlite3)
      BENCH_DB_LABEL=SQLite
      BENCH_DB="db=$dir/practice.db"
      ;;
    postgresql)
      BENCH_DB_LABEL=PostgreSQL
      if [ -z "$BENCH_PG_DIR" ]; then
        BENCH_PG_DIR=$(mktemp -d /tmp/pmbridge-bench-pg.XXXXXX)
        BENCH_PG_PORT=$(bench_free_port)
        # The owner pid: the server goes too should the benchmark be killed.
        bash "$BENCH_ROOT/tests/fixtures/postgres.sh" start "$BENCH_PG_DIR" "$BENCH_PG_PORT" $$ \
          >/dev/null
      fi
      admin="host=127.0.0.1 port=$BENCH_PG_PORT user=postgres dbname=postgres"
      psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE $name"
      BENCH_DB="host=127.0.0.1 port=$BENCH_PG_PORT user=postgres dbname=$name"
      ;;
    *)
      echo "bench: unknown backend '$backend' (sqlite3, postgresql)" >&2
      return 2
      ;;
  esac
}

bench_sql() {
  case $BENCH_DB_BACKEND in
    sqlite3) sqlite3 "${BENCH_DB#db=}" "$1" ;;
    postgresql) psql -X -q -v ON_ERROR_STOP=1 -d "$BENCH_DB" -c "$1" ;;
  esac
}

# bench_start_daemon PMBRIDGE CONFIG LOG: starts `pmbridge run` in the background and waits
# (up to 120 s) for its first reconcile (the log event reconcile.done). Sets
# BENCH_DAEMON_PID. Fails, showing the log, if the daemon exits or never gets there.
BENCH_DAEMON_PID=
bench_start_daemon() {
  local pmbridge=$1 config=$2 log=$3 tries=0
  : >"$log"  # before the wait below reads it: the daemon's redirection may come later
  "$pmbridge" --config "$config" run >"$log" 2>&1 &
  BENCH_DAEMON_PID=$!
  until grep -q 'reconcile\.done' "$log"; do
    if ! kill -0 "$BENCH_DAEMON_PID" 2>/dev/null; then
      BENCH_DAEMON_PID=
      echo "bench: pmbridge run exited during its first reconcile:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    tries=$((tries + 1))
    if [ $tries -ge 1200 ]; then
      echo "bench: pmbridge run did not finish its first reconcile within 120 s:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# SIGTERM to the daemon started above, and wait for it (it stops cleanly, exit 0).
bench_stop_daemon() {
  [ -n "$BENCH_DAEMON_PID" ] || return 0
  local pid=$BENCH_DAEMON_PID status=0
  BENCH_DAEMON_PID=
  kill -TERM "$pid" 2>/dev/null || return 0
  wait "$pid" || status=$?
  if [ $status -ne 0 ]; then echo "bench: pmbridge run exited with status $status" >&2; fi
}

# bench_release PG_DIR WORK FINISHED [WHAT_STAYS]: the end of a benchmark's EXIT trap.
# Stops the fixture PostgreSQL in PG_DIR, if any, and removes PG_DIR. Keeps WORK, saying so
# (with WHAT_STAYS), when the run did not finish (FINISHED empty) or PMBRIDGE_BENCH_KEEP=1;
# removes it otherwise.
bench_release() {
  local pg_dir=$1 work=$2 finished=$3 what=${4:-}
  if [ -n "$pg_dir" ]; then
    bash "$BENCH_ROOT/tests/fixtures/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  if [ "${PMBRIDGE_BENCH_KEEP:-}" = 1 ] || [ -z "$finished" ]; then
    echo "(the run's files stay in $work${what:+: $what})" >&2
  else
    rm -rf "$work"
  fi
}
