// RowStore for SQLite: one prepared statement per kind of row, prepared on first use and
// reused for every row (SQLite is in-process, so row-at-a-time costs microseconds; 100k
// users with 500k rights rows load in well under a second in one transaction).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

#include "connectors/database/row_store.h"

namespace pmbridge {

class SqliteRowStore final : public RowStore {
 public:
  explicit SqliteRowStore(soci::session& sql) : sql_(sql) {}

  // max(user_id, sqlite_sequence) + 1 onwards: AUTOINCREMENT never reuses an id, and
  // neither do we. Ids are ours alone because the caller holds BEGIN IMMEDIATE.
  std::vector<std::int64_t> ReserveUserIds(std::size_t count) override;
  void Write(const RowBatch& batch) override;

 private:
  // Executes the statement in `slot`, preparing it with `prepare` (which binds members of
  // this object) on first use. Returns the number of rows it changed.
  template <typename Prepare>
  long long Run(std::optional<soci::statement>& slot, Prepare prepare);

  void BindUser(const UserRow& user);
  void InsertUser(const UserRow& user);
  void EditUser(const UserEditRow& edit);
  void InsertRight(const RightRow& right);
  void InsertProvider(const ProviderRow& provider);
  void InsertLink(const LinkRow& link);
  void InsertAudit(const AuditRow& row);

  soci::session& sql_;
  std::optional<std::int64_t> next_user_id_;

  // The statements read their parameters from these members.
  long long id_ = 0;
  long long other_id_ = 0;
  std::string now_;
  std::string login_, last_name_, first_name_, middle_initial_, email_;
  soci::indicator last_name_ind_ = soci::i_ok, first_name_ind_ = soci::i_ok,
                  middle_initial_ind_ = soci::i_ok, email_ind_ = soci::i_ok;
  int super_user_ = 0, access_security_ = 0, all_providers_ = 0;
  int can_view_ = 0, can_edit_ = 0, can_delete_ = 0;
  std::string text_a_, text_b_, text_c_, text_d_, text_e_, text_f_, text_g_;
  soci::indicator text_a_ind_ = soci::i_ok;

  std::optional<soci::statement> insert_user_, update_user_, enable_user_, disable_user_, link_dn_,
      delete_rights_, delete_providers_, insert_right_, insert_provider_, insert_link_,
      insert_audit_;
};

}  // namespace pmbridge
