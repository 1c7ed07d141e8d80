#!/usr/bin/env bash
# The pmbridge demo: installs what is needed, builds, starts a throwaway OpenLDAP server on
# loopback seeded with a sample clinic directory, and reconciles it into a SQLite practice
# database — then shows the accounts, a departure, an explanation, and the daemon
# following the directory and disabling a departure as it happens. Leaves nothing
# running; the demo's files stay in ./demo-run for a look.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

bash deploy/install-deps.sh
bash deploy/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
pmbridge="$here/build/bridge/cli/pmbridge"

run=$here/demo-run
if [ -f "$run/slapd/slapd.pid" ]; then bash tests/fixtures/slapd.sh stop "$run/slapd" || true; fi
rm -rf "$run"
mkdir -p "$run/slapd"

# A free port on loopback for the demo's slapd (and the next one for ldaps).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
eval "$(bash tests/fixtures/slapd.sh start "$run/slapd" "$port" tests/fixtures/clinic.ldif)"
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi
  bash tests/fixtures/slapd.sh stop "$run/slapd" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# The administrator's files: the example config with this demo's URL and paths.
printf '%s\n' 'pmbridge-demo-secret' >"$run/ldap.secret"
chmod 600 "$run/ldap.secret"
admin_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|url: ldap://127.0.0.1:3890|url: $LDAP_URL|" \
    -e "s|mappings: ../mappings/|mappings: $here/mappings/|" \
    -e "s|admin_listen: 127.0.0.1:9464|admin_listen: 127.0.0.1:$admin_port|" \
    config/bridge.yaml >"$run/bridge.yaml"
export PMBRIDGE_CONFIG=$run/bridge.yaml

step "Validate the configuration and mappings"
show "$pmbridge" check

step "Create the practice database (reference PM schema) and the bridge's tables"
show "$pmbridge" db init
# The practice's providers, and the vendor's default account every PM product ships with.
sqlite3 "$run/practice.db" <<'SQL'
INSERT INTO pm_providers (code, name) VALUES ('DRSMITH', 'Dr. Sarah Smith'),
  ('DRJONES', 'Dr. Jim Jones'), ('DRPATEL', 'Dr. Priya Patel');
INSERT INTO pm_users (login_id, last_name, first_name, active, super_user, access_security,
  all_providers, auth_source, created_at, updated_at)
  VALUES ('demo', 'Default', 'Demo', 1, 1, 1, 1, 'local', '2020-01-01T00:00:00.000Z',
  '2020-01-01T00:00:00.000Z');
SQL
show "$pmbridge" check --connect

step "What would change (plan exits 2 when there are changes)"
show "$pmbridge" plan || true

step "Apply it"
show "$pmbridge" reconcile

accounts() {
  sqlite3 -header -column "$run/practice.db" "
    SELECT u.user_id, u.login_id, u.first_name || ' ' || u.last_name AS name, u.active,
           u.super_user AS su, u.all_providers AS all_prov,
           (SELECT group_concat(module || ':' || (CASE WHEN can_delete THEN 'vED'
                    WHEN can_edit THEN 'vE' ELSE 'v' END), ' ')
              FROM pm_user_rights r WHERE r.user_id = u.user_id) AS rights,
           (SELECT group_concat(p.code, ',') FROM pm_user_providers up
              JOIN pm_providers p USING (provider_id) WHERE up.user_id = u.user_id) AS providers,
           u.auth_source AS source
      FROM pm_users u ORDER BY u.user_id;"
}
step "The practice's accounts now"
accounts

step "Where do erin's rights come from?"
show "$pmbridge" explain erin

step "Carol leaves the clinic: her directory entry is deleted"
ldapdelete -x -H "$LDAP_URL" -D cn=admin,dc=clinic,dc=example -w admin-secret \
  uid=carol,ou=people,dc=clinic,dc=example
show "$pmbridge" plan || true
show "$pmbridge" reconcile
accounts

step "A second run finds nothing to do"
show "$pmbridge" plan

step "The daemon: it follows the directory and disables a departure within milliseconds"
# Waits up to 60 s for a shell condition.
await() {
  local i
  for i in $(seq 600); do
    if eval "$1"; then return 0; fi
    sleep 0.1
  done
  echo "demo: timed out waiting for: $1" >&2
  cat "$run/daemon.log" >&2
  exit 1
}
admin() { python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:'"$admin_port"'" + sys.argv[1]).read().decode(), end="")' "$1"; }
printf '$ %s run &\n' "$pmbridge"
"$pmbridge" run >"$run/daemon.log" 2>&1 &
daemon_pid=$!
await 'grep -q reconcile.done "$run/daemon.log"'
show admin /healthz
echo "Grace leaves: her entry is deleted while the daemon runs."
ldapdelete -x -H "$LDAP_URL" -D cn=admin,dc=clinic,dc=example -w admin-secret \
  uid=grace,ou=people,dc=clinic,dc=example
await '[ "$(sqlite3 "$run/practice.db" "SELECT active FROM pm_users WHERE login_id = '"'grace'"'")" = 0 ]'
grep 'change.applied' "$run/daemon.log" | grep -v 'full reconcile' || true
admin /metrics | awk '
  /^pmbridge_removal_to_disable_seconds_sum/ { sum = $2 }
  /^pmbridge_removal_to_disable_seconds_count/ { n = $2 }
  END { if (n > 0) printf "removal to committed disable, as the daemon measured it: %.1f ms\n", 1000 * sum / n }'
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
echo "The daemon's log is $run/daemon.log."

step "Status"
show "$pmbridge" status

printf '\nDemo done. Files are in %s (practice.db, bridge.yaml).\n' "$run"
