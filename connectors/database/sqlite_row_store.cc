#include "connectors/database/sqlite_row_store.h"

#include <stdexcept>

#include "bridge/right_set.h"

namespace pmbridge {
namespace {

soci::indicator NullIfEmpty(const std::string& value) {
  return value.empty() ? soci::i_null : soci::i_ok;
}

std::string MissingUser(long long user_id) {
  return "pm_users has no row with user_id " + std::to_string(user_id) +
         " (changed since the plan was made?)";
}

}  // namespace

template <typename Prepare>
long long SqliteRowStore::Run(std::optional<soci::statement>& slot, Prepare prepare) {
  if (!slot) slot.emplace(prepare());
  slot->execute(true);
  return slot->get_affected_rows();
}

std::vector<std::int64_t> SqliteRowStore::ReserveUserIds(std::size_t count) {
  if (!next_user_id_) {
    long long highest = 0;
    sql_ << "SELECT max(COALESCE((SELECT max(user_id) FROM pm_users), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'pm_users'), 0))",
        soci::into(highest);
    next_user_id_ = highest + 1;
  }
  std::vector<std::int64_t> ids(count);
  for (std::int64_t& id : ids) id = (*next_user_id_)++;
  return ids;
}

void SqliteRowStore::BindUser(const UserRow& user) {
  id_ = user.user_id;
  login_ = user.login;
  last_name_ = user.last_name;
  first_name_ = user.first_name;
  middle_initial_ = user.middle_initial;
  email_ = user.email;
  last_name_ind_ = NullIfEmpty(last_name_);
  first_name_ind_ = NullIfEmpty(first_name_);
  middle_initial_ind_ = NullIfEmpty(middle_initial_);
  email_ind_ = NullIfEmpty(email_);
  super_user_ = user.super_user ? 1 : 0;
  access_security_ = user.access_security ? 1 : 0;
  all_providers_ = user.all_providers ? 1 : 0;
}

void SqliteRowStore::InsertUser(const UserRow& user) {
  BindUser(user);
  Run(insert_user_, [this] {
    return (
        sql_.prepare
            << "INSERT INTO pm_users (user_id, login_id, last_name, first_name, middle_initial, "
               "email, active, super_user, access_security, all_providers, auth_source, "
               "password_hash, created_at, updated_at) VALUES (:id, :login, :last_name, "
               ":first_name, :middle_initial, :email, 1, :super_user, :access_security, "
               ":all_providers, 'directory', NULL, :created_at, :updated_at)",
        soci::use(id_), soci::use(login_), soci::use(last_name_, last_name_ind_),
        soci::use(first_name_, first_name_ind_), soci::use(middle_initial_, middle_initial_ind_),
        soci::use(email_, email_ind_), soci::use(super_user_), soci::use(access_security_),
        soci::use(all_providers_), soci::use(now_), soci::use(now_));
  });
}

void SqliteRowStore::EditUser(const UserEditRow& edit) {
  if (edit.edit == UserEdit::kDisable) {
    id_ = edit.user.user_id;
    text_a_ = edit.disabled_reason;
    text_a_ind_ = NullIfEmpty(text_a_);
    long long changed = Run(disable_user_, [this] {
      return (sql_.prepare
                  << "UPDATE pm_users SET active = 0, super_user = 0, access_security = 0, "
                     "all_providers = 0, disabled_at = :disabled_at, disabled_reason = :reason, "
                     "updated_at = :updated_at WHERE user_id = :id",
              soci::use(now_), soci::use(text_a_, text_a_ind_), soci::use(now_), soci::use(id_));
    });
    if (changed != 1) throw std::runtime_error(MissingUser(id_));
    return;
  }

  BindUser(edit.user);
  long long changed = Run(update_user_, [this] {
    return (sql_.prepare
                << "UPDATE pm_users SET login_id = :login, last_name = :last_name, "
                   "first_name = :first_name, middle_initial = :middle_initial, email = :email, "
                   "super_user = :super_user, access_security = :access_security, "
                   "all_providers = :all_providers, updated_at = :updated_at WHERE user_id = :id",
            soci::use(login_), soci::use(last_name_, last_name_ind_),
            soci::use(first_name_, first_name_ind_),
            soci::use(middle_initial_, middle_initial_ind_), soci::use(email_, email_ind_),
            soci::use(super_user_), soci::use(access_security_), soci::use(all_providers_),
            soci::use(now_), soci::use(id_));
  });
  if (changed != 1) throw std::runtime_error(MissingUser(id_));
  if (edit.edit == UserEdit::kEnable) {
    Run(enable_user_, [this] {
      return (sql_.prepare
                  << "UPDATE pm_users SET active = 1, disabled_at = NULL, disabled_reason = NULL "
                     "WHERE user_id = :id",
              soci::use(id_));
    });
  }
  if (!edit.dn.empty()) {
    text_a_ = edit.dn;
    Run(link_dn_, [this] {
      return (sql_.prepare << "UPDATE pmbridge_links SET dn = :dn, updated_at = :updated_at "
                              "WHERE user_id = :id",
              soci::use(text_a_), soci::use(now_), soci::use(id_));
    });
  }
}

void SqliteRowStore::InsertRight(const RightRow& right) {
  id_ = right.user_id;
  text_a_ = right.module;
  can_view_ = (right.mask & kView) ? 1 : 0;
  can_edit_ = (right.mask & kEdit) ? 1 : 0;
  can_delete_ = (right.mask & kDelete) ? 1 : 0;
  Run(insert_right_, [this] {
    return (sql_.prepare
                << "INSERT INTO pm_user_rights (user_id, module, can_view, can_edit, can_delete) "
                   "VALUES (:id, :module, :can_view, :can_edit, :can_delete)",
            soci::use(id_), soci::use(text_a_), soci::use(can_view_), soci::use(can_edit_),
            soci::use(can_delete_));
  });
}

void SqliteRowStore::InsertProvider(const ProviderRow& provider) {
  id_ = provider.user_id;
  other_id_ = provider.provider_id;
  Run(insert_provider_, [this] {
    return (
        sql_.prepare
            << "INSERT INTO pm_user_providers (user_id, provider_id) VALUES (:id, :provider_id)",
        soci::use(id_), soci::use(other_id_));
  });
}

void SqliteRowStore::InsertLink(const LinkRow& link) {
  id_ = link.user_id;
  text_a_ = link.anchor;
  text_b_ = link.dn;
  Run(insert_link_, [this] {
    return (
        sql_.prepare << "INSERT INTO pmbridge_links (user_id, anchor, dn, created_at, updated_at) "
                        "VALUES (:id, :anchor, :dn, :created_at, :updated_at)",
        soci::use(id_), soci::use(text_a_), soci::use(text_b_), soci::use(now_), soci::use(now_));
  });
}

void SqliteRowStore::InsertAudit(const AuditRow& row) {
  id_ = row.seq;
  text_a_ = row.at;
  text_b_ = row.actor;
  text_c_ = row.action;
  text_d_ = row.login_id;
  text_e_ = row.detail;
  text_f_ = row.prev_hash;
  text_g_ = row.hash;
  Run(insert_audit_, [this] {
    return (
        sql_.prepare
            << "INSERT INTO pmbridge_audit (seq, at, actor, action, login_id, detail, prev_hash, "
               "hash) VALUES (:seq, :at, :actor, :action, :login_id, :detail, :prev_hash, :hash)",
        soci::use(id_), soci::use(text_a_), soci::use(text_b_), soci::use(text_c_),
        soci::use(text_d_), soci::use(text_e_), soci::use(text_f_), soci::use(text_g_));
  });
}

void SqliteRowStore::Write(const RowBatch& batch) {
  now_ = batch.now;
  for (const UserRow& user : batch.new_users) InsertUser(user);
  for (const UserEditRow& edit : batch.edits) EditUser(edit);
  for (std::int64_t user_id : batch.replaced_rights) {
    id_ = user_id;
    Run(delete_rights_, [this] {
      return (sql_.prepare << "DELETE FROM pm_user_rights WHERE user_id = :id", soci::use(id_));
    });
  }
  for (std::int64_t user_id : batch.replaced_providers) {
    id_ = user_id;
    Run(delete_providers_, [this] {
      return (sql_.prepare << "DELETE FROM pm_user_providers WHERE user_id = :id", soci::use(id_));
    });
  }
  for (const RightRow& right : batch.rights) InsertRight(right);
  for (const ProviderRow& provider : batch.providers) InsertProvider(provider);
  for (const LinkRow& link : batch.new_links) InsertLink(link);
  for (const AuditRow& row : batch.audit) InsertAudit(row);
}

}  // namespace pmbridge
