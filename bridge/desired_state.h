// DesiredState: what the directory and the mappings say each person's PM account should be.
// Built by Resolve() (resolver.h) from a complete DirectorySnapshot; pure data.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bridge/directory_snapshot.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"
#include "bridge/source_location.h"

namespace pmbridge {

// One mapped group that makes a person entitled, and the rule behind it.
struct Grant {
  std::string group_dn;  // the mapped group (normal form)
  std::string via;       // the nested group the person is a direct member of; empty if direct
  std::string role;
  SourceLocation rule;  // the group rule in the mapping file

  // "member of cn=pm-front-desk,... (through cn=temps,...) -> role front-desk (file:line)"
  std::string ToString() const;
};

// A directory person who should have an active PM account.
struct Entitlement {
  DirectoryUser user;
  AccountFields fields;       // the desired account; fields.active is true
  std::vector<Grant> grants;  // sorted by group DN; never empty
};

// A directory person who is present but should have no active account.
struct Ineligible {
  DirectoryUser user;
  std::string reason;  // e.g. "not a member of any mapped group"
};

struct DesiredState {
  std::vector<Entitlement> entitled;  // sorted by login
  std::vector<Ineligible> ineligible;
  std::vector<Conflict> conflicts;
  // Anchors of people the bridge must not touch at all (create, change or disable)
  // because of a conflict.
  std::unordered_set<std::string> untouchable_anchors;
  std::vector<std::string> warnings;
  std::size_t directory_users = 0;  // users in the snapshot

  // Indexes into `entitled` / `ineligible` by anchor.
  std::unordered_map<std::string, std::size_t> entitled_by_anchor;
  std::unordered_map<std::string, std::size_t> ineligible_by_anchor;
};

}  // namespace pmbridge
