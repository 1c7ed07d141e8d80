#!/usr/bin/env bash
# The pmbridge demo: installs what is needed, builds, starts a throwaway OpenLDAP server on
# loopback seeded with a sample clinic directory, and reconciles it into a SQLite practice
# database — then shows the accounts, a departure and an explanation. Leaves nothing
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
trap 'bash tests/fixtures/slapd.sh stop "$run/slapd" >/dev/null 2>&1 || true' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# The administrator's files: the example config with this demo's URL and paths.
printf '%s\n' 'pmbridge-demo-secret' >"$run/ldap.secret"
chmod 600 "$run/ldap.secret"
sed -e "s|url: ldap://127.0.0.1:3890|url: $LDAP_URL|" \
    -e "s|mappings: ../mappings/|mappings: $here/mappings/|" \
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

step "Status"
show "$pmbridge" status

printf '\nDemo done. Files are in %s (practice.db, bridge.yaml).\n' "$run"
