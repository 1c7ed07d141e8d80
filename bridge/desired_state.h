// DesiredState: what the directory and the mappings say each person's PM account should be.
// Built by Resolve() (resolver.h) from a complete DirectorySnapshot; pure data.
#pragma once

#include <boost/container/small_vector.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bridge/config/mapping.h"
#include "bridge/directory_snapshot.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"
#include "bridge/source_location.h"

namespace pmbridge {

// One mapped group that makes a person entitled, and the rule behind it. Small on purpose
// (a 100k-person reconcile holds some 300,000): it points at the rule in the Mapping, which
// must outlive it, and at the nested group's DN interned in DesiredState::via_groups.
struct Grant {
  const GroupRule* rule = nullptr;  // the mapped group (rule->dn, normal form) and its role
  std::string_view via;  // the nested group the person is a direct member of; empty if direct

  const std::string& group_dn() const { return rule->dn; }
  const std::string& role() const { return rule->role; }
  // "member of cn=pm-front-desk,... (through cn=temps,...) -> role front-desk (file:line)"
  std::string ToString() const;
};

// A directory person who should have an active PM account. `user` points into the
// snapshot or directory model the state was resolved from, which must outlive it. The
// account is the person's own login, names and email with what their groups grant
// (DesiredFields): those are not copied here, as 100,000 entitlements would hold them a
// second time.
struct Entitlement {
  const DirectoryUser* user = nullptr;
  bool super_user = false;
  bool access_security = false;
  RightSet rights;
  ProviderScope providers;
  // Sorted by group DN; never empty. A person is granted through a handful of groups: the
  // list lives in the entitlement, made ahead of the resolve (IndexGroups), instead of in
  // 100,000 fresh allocations after the read.
  boost::container::small_vector<Grant, 3> grants;
};

// The account `e` describes: active, with the person's login, names and email.
AccountFields DesiredFields(const Entitlement& e);
// The same, moving the rights and provider scope out of `e`.
AccountFields TakeDesiredFields(Entitlement& e);
// Whether `fields` equal DesiredFields(e), without building them: most people of a full
// reconcile are unchanged.
bool HasDesiredFields(const AccountFields& fields, const Entitlement& e);

// A directory person who is present but should have no active account.
struct Ineligible {
  const DirectoryUser* user = nullptr;  // as for Entitlement
  std::string reason;                   // e.g. "not a member of any mapped group"
};

// Move-only: Grant::via views strings in via_groups, whose nodes a move keeps in place and a
// copy would not.
struct DesiredState {
  DesiredState() = default;
  DesiredState(DesiredState&&) = default;
  DesiredState& operator=(DesiredState&&) = default;
  DesiredState(const DesiredState&) = delete;
  DesiredState& operator=(const DesiredState&) = delete;

  std::vector<Entitlement> entitled;  // sorted by login
  std::vector<Ineligible> ineligible;
  std::vector<Conflict> conflicts;
  // Anchors of people the bridge must not touch at all (create, change or disable)
  // because of a conflict. Like the two indexes below, it views the anchors of the
  // people the entries point at.
  std::unordered_set<std::string_view> untouchable_anchors;
  std::vector<std::string> warnings;
  std::size_t directory_users = 0;  // users in the snapshot

  // Index into `ineligible` by anchor. (The planner matches the entitled to their links
  // itself: an index of 100,000 entitled anchors would be built for nothing.)
  std::unordered_map<std::string_view, std::size_t> ineligible_by_anchor;
  // The DNs Grant::via points at: each nested group once, however many people it holds.
  // Looked up by view (transparent hash), so finding one allocates nothing.
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_set<std::string, ViewHash, std::equal_to<>> via_groups;
};

}  // namespace pmbridge
