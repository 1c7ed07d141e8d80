#include "connectors/database/postgres_row_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bridge/right_set.h"
#include "connectors/database/pg_array.h"
#include "connectors/database/pg_copy.h"

namespace pmbridge {
namespace {

int Flag(bool value) { return value ? 1 : 0; }

}  // namespace

std::vector<std::int64_t> PostgresRowStore::ReserveUserIds(std::size_t count) {
  std::vector<std::int64_t> ids;
  if (count == 0) return ids;
  ids.reserve(count);
  long long wanted = static_cast<long long>(count);
  std::vector<long long> fetched(std::min<std::size_t>(count, 10000));
  soci::statement st =
      (sql_.prepare << "SELECT nextval(pg_get_serial_sequence('pm_users', 'user_id')) "
                       "FROM generate_series(1, CAST(:count AS bigint))",
       soci::use(wanted), soci::into(fetched));
  st.execute();
  while (st.fetch()) ids.insert(ids.end(), fetched.begin(), fetched.end());
  return ids;
}

void PostgresRowStore::DeleteForUsers(const char* table,
                                      const std::vector<std::int64_t>& user_ids) {
  if (user_ids.empty()) return;
  std::string ids = PgArrayLiteral(user_ids);
  sql_ << "DELETE FROM " + std::string(table) + " WHERE user_id = ANY(CAST(:ids AS bigint[]))",
      soci::use(ids);
}

void PostgresRowStore::WriteEdits(const RowBatch& batch) {
  if (batch.edits.empty()) return;
  // Session-lifetime scratch table; ON COMMIT DELETE ROWS plus the DELETE below keep it
  // empty between batches. client_min_messages hides the "already exists" notice.
  sql_ << "CREATE TEMPORARY TABLE IF NOT EXISTS pmbridge_pending_edits (edit smallint NOT NULL, "
          "user_id bigint NOT NULL, login_id text, last_name text, first_name text, "
          "middle_initial text, email text, super_user smallint, access_security smallint, "
          "all_providers smallint, disabled_reason text, dn text) ON COMMIT DELETE ROWS";
  CopyRows rows;
  bool any_update = false, any_disable = false, any_dn = false;
  for (const UserEditRow& e : batch.edits) {
    const UserRow& u = e.user;
    rows.Int(static_cast<int>(e.edit)).Int(u.user_id).Text(u.login);
    rows.TextOrNull(u.last_name).TextOrNull(u.first_name).TextOrNull(u.middle_initial);
    rows.TextOrNull(u.email).Int(Flag(u.super_user)).Int(Flag(u.access_security));
    rows.Int(Flag(u.all_providers)).TextOrNull(e.disabled_reason).TextOrNull(e.dn);
    rows.EndRow();
    any_update = any_update || e.edit != UserEdit::kDisable;
    any_disable = any_disable || e.edit == UserEdit::kDisable;
    any_dn = any_dn || (e.edit != UserEdit::kDisable && !e.dn.empty());
  }
  CopyIn(sql_,
         "COPY pmbridge_pending_edits (edit, user_id, login_id, last_name, first_name, "
         "middle_initial, email, super_user, access_security, all_providers, disabled_reason, "
         "dn) FROM STDIN",
         rows);

  std::string now = batch.now;
  long long changed = 0;
  if (any_update) {
    // PlanWriter puts at most one login rename in a batch: PostgreSQL checks UNIQUE per row
    // during an UPDATE, so a chain of renames in one statement could collide midway.
    soci::statement update =
        (sql_.prepare
             << "UPDATE pm_users AS u SET login_id = e.login_id, last_name = e.last_name, "
                "first_name = e.first_name, middle_initial = e.middle_initial, email = e.email, "
                "super_user = e.super_user, access_security = e.access_security, "
                "all_providers = e.all_providers, "
                "active = CASE WHEN e.edit = 2 THEN 1 ELSE u.active END, "
                "disabled_at = CASE WHEN e.edit = 2 THEN NULL ELSE u.disabled_at END, "
                "disabled_reason = CASE WHEN e.edit = 2 THEN NULL ELSE u.disabled_reason END, "
                "updated_at = CAST(:now AS timestamptz) "
                "FROM pmbridge_pending_edits AS e WHERE u.user_id = e.user_id AND e.edit IN (1, 2)",
         soci::use(now));
    update.execute(true);
    changed += update.get_affected_rows();
  }
  if (any_disable) {
    soci::statement disable =
        (sql_.prepare
             << "UPDATE pm_users AS u SET active = 0, super_user = 0, access_security = 0, "
                "all_providers = 0, disabled_at = CAST(:disabled_at AS timestamptz), "
                "disabled_reason = e.disabled_reason, "
                "updated_at = CAST(:updated_at AS timestamptz) "
                "FROM pmbridge_pending_edits AS e WHERE u.user_id = e.user_id AND e.edit = 3",
         soci::use(now), soci::use(now));
    disable.execute(true);
    changed += disable.get_affected_rows();
  }
  if (changed != static_cast<long long>(batch.edits.size())) {
    // Some user_id of the plan has no pm_users row any more.
    throw std::runtime_error(
        "pm_users is missing " +
        std::to_string(static_cast<long long>(batch.edits.size()) - changed) +
        " of the accounts the plan changes (changed since the plan was made?)");
  }
  if (any_dn) {
    sql_ << "UPDATE pmbridge_links AS l SET dn = e.dn, updated_at = CAST(:now AS timestamptz) "
            "FROM pmbridge_pending_edits AS e "
            "WHERE l.user_id = e.user_id AND e.edit IN (1, 2) AND e.dn IS NOT NULL",
        soci::use(now);
  }
  sql_ << "DELETE FROM pmbridge_pending_edits";
}

void PostgresRowStore::Write(const RowBatch& batch) {
  if (!batch.new_users.empty()) {
    CopyRows rows;
    for (const UserRow& u : batch.new_users) {
      rows.Int(u.user_id).Text(u.login).TextOrNull(u.last_name).TextOrNull(u.first_name);
      rows.TextOrNull(u.middle_initial).TextOrNull(u.email).Int(1).Int(Flag(u.super_user));
      rows.Int(Flag(u.access_security)).Int(Flag(u.all_providers)).Text("directory");
      rows.Text(batch.now).Text(batch.now).EndRow();
    }
    CopyIn(sql_,
           "COPY pm_users (user_id, login_id, last_name, first_name, middle_initial, email, "
           "active, super_user, access_security, all_providers, auth_source, created_at, "
           "updated_at) FROM STDIN",
           rows);
  }

  WriteEdits(batch);
  DeleteForUsers("pm_user_rights", batch.replaced_rights);
  DeleteForUsers("pm_user_providers", batch.replaced_providers);

  if (!batch.rights.empty()) {
    CopyRows rows;
    for (const RightRow& r : batch.rights) {
      rows.Int(r.user_id).Text(r.module).Int(Flag(r.mask & kView)).Int(Flag(r.mask & kEdit));
      rows.Int(Flag(r.mask & kDelete)).EndRow();
    }
    CopyIn(sql_, "COPY pm_user_rights (user_id, module, can_view, can_edit, can_delete) FROM STDIN",
           rows);
  }
  if (!batch.providers.empty()) {
    CopyRows rows;
    for (const ProviderRow& p : batch.providers) rows.Int(p.user_id).Int(p.provider_id).EndRow();
    CopyIn(sql_, "COPY pm_user_providers (user_id, provider_id) FROM STDIN", rows);
  }
  if (!batch.new_links.empty()) {
    CopyRows rows;
    for (const LinkRow& l : batch.new_links) {
      rows.Int(l.user_id).Text(l.anchor).Text(l.dn).Text(batch.now).Text(batch.now).EndRow();
    }
    CopyIn(sql_, "COPY pmbridge_links (user_id, anchor, dn, created_at, updated_at) FROM STDIN",
           rows);
  }
  if (!batch.audit.empty()) {
    CopyRows rows;
    for (const AuditRow& a : batch.audit) {
      rows.Int(a.seq).Text(a.at).Text(a.actor).Text(a.action).Text(a.login_id).Text(a.detail);
      rows.Text(a.prev_hash).Text(a.hash).EndRow();
    }
    CopyIn(sql_,
           "COPY pmbridge_audit (seq, at, actor, action, login_id, detail, prev_hash, hash) "
           "FROM STDIN",
           rows);
  }
}

}  // namespace pmbridge
