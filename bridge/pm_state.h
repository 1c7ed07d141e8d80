// The PM database as the bridge sees it: its catalog (modules, providers), its accounts,
// and which of them the bridge manages (pmbridge_links).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bridge/provider_scope.h"
#include "bridge/right_set.h"

namespace pmbridge {

struct Catalog {
  std::set<std::string> modules;  // pm_modules.code
  // pm_providers.code -> provider_id, found by view too
  std::map<std::string, std::int64_t, std::less<>> providers;

  bool operator==(const Catalog&) const = default;
};

// The fields of a PM account the bridge owns. `providers.all()` is pm_users.all_providers;
// otherwise the selected codes are the pm_user_providers rows. A field added here is added
// to DesiredFields and HasDesiredFields (desired_state.cc) too.
struct AccountFields {
  std::string login;
  std::string last_name;
  std::string first_name;
  std::string middle_initial;
  std::string email;
  bool active = true;
  bool super_user = false;
  bool access_security = false;
  RightSet rights;
  ProviderScope providers;

  bool operator==(const AccountFields&) const = default;
};

struct PmAccount {
  std::int64_t user_id = 0;
  AccountFields fields;
  std::string auth_source;      // "directory" or "local"
  std::string disabled_reason;  // empty unless disabled
};

// A row of pmbridge_links: this PM account is managed, tied to this directory anchor.
struct AccountLink {
  std::int64_t user_id = 0;
  std::string anchor;
  std::string dn;
};

struct CurrentState {
  Catalog catalog;
  std::vector<PmAccount> accounts;
  std::vector<AccountLink> links;
};

}  // namespace pmbridge
