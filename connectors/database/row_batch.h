// The rows a batch of consecutive plan changes writes, grouped by table so a backend can
// write each group in bulk (COPY, reused prepared statements). PlanWriter only groups
// changes whose grouped write is equivalent to writing them one by one in plan order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/database/audit_log.h"

namespace pmbridge {

// The pm_users columns the bridge owns, as they are after the change.
struct UserRow {
  std::int64_t user_id = 0;
  std::string login;
  std::string last_name;  // "" is stored as NULL, as are the other names and email
  std::string first_name;
  std::string middle_initial;
  std::string email;
  bool super_user = false;
  bool access_security = false;
  bool all_providers = false;
};

enum class UserEdit : int {
  kUpdate = 1,   // the owned columns and updated_at
  kEnable = 2,   // as kUpdate, and active = 1, disabled_at / disabled_reason NULL
  kDisable = 3,  // active, super_user, access_security, all_providers = 0; disabled_at,
                 // disabled_reason, updated_at set; names and login untouched
};

struct UserEditRow {
  UserEdit edit = UserEdit::kUpdate;
  UserRow user;                 // kDisable uses user_id only
  std::string disabled_reason;  // kDisable
  std::string dn;               // kUpdate / kEnable: new pmbridge_links.dn; "" leaves it
};

struct RightRow {
  std::int64_t user_id = 0;
  std::string module;
  std::uint8_t mask = 0;  // of Right
};

struct ProviderRow {
  std::int64_t user_id = 0;
  std::int64_t provider_id = 0;
};

struct LinkRow {
  std::int64_t user_id = 0;
  std::string anchor;
  std::string dn;
};

// Written in this order: new_users, edits, the deletes of replaced_rights /
// replaced_providers, rights, providers, new_links, audit.
struct RowBatch {
  std::string now;                 // created_at / updated_at / disabled_at, ISO-8601 UTC
  std::vector<UserRow> new_users;  // active 1, auth_source 'directory', no password
  std::vector<UserEditRow> edits;
  std::vector<std::int64_t> replaced_rights;     // users whose rights rows are deleted
  std::vector<std::int64_t> replaced_providers;  // users whose provider rows are deleted
  std::vector<RightRow> rights;
  std::vector<ProviderRow> providers;
  std::vector<LinkRow> new_links;
  std::vector<AuditRow> audit;

  bool empty() const { return audit.empty(); }  // every change writes one audit row
};

}  // namespace pmbridge
