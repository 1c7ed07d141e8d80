// Resolution: behaviour rules 2 (entitlement) and 4 (unique logins) of DESIGN.md. Pure.
#pragma once

#include "bridge/config/mapping.h"
#include "bridge/desired_state.h"
#include "bridge/directory_snapshot.h"
#include "bridge/membership_index.h"
#include "bridge/pm_state.h"

namespace pmbridge {

struct ResolveOptions {
  bool nested_groups = true;            // follow groups that are members of mapped groups
  std::string login_attribute = "uid";  // for messages only
};

// Computes who is entitled to what. A person is entitled when the directory does not say
// they are disabled, they have a login, and they are a member (directly, or through
// nested groups when enabled; cycles are safe) of at least one mapped group. Their
// account gets the union of their roles' rights and flags, and the union of the rules'
// provider scopes (`all` wins). `rights: all` means every module of `catalog`. Two
// entitled people with one login (compared case-insensitively) are a conflict: neither
// is entitled, and both become untouchable.
DesiredState Resolve(const DirectorySnapshot& snapshot, const Mapping& mapping,
                     const Catalog& catalog, const ResolveOptions& options);
// The same, moving the groups' member lists out of `snapshot` (its groups are left empty)
// instead of copying them: a full reconcile needs them nowhere else, and at 100k people
// they are some 300,000 DNs.
DesiredState ResolveTakingGroups(DirectorySnapshot& snapshot, const Mapping& mapping,
                                 const Catalog& catalog, const ResolveOptions& options);

// A full read's groups, indexed, with a slot for each person who may be entitled (one per
// member of a group) to build the entitlements in: IndexGroups makes them on a thread of
// its own while the users, most of a read, still come in.
struct IndexedGroups {
  MembershipIndex index;
  std::vector<Entitlement> slots;
};
IndexedGroups IndexGroups(std::vector<DirectoryGroup> groups, const Mapping& mapping,
                          const ResolveOptions& options);
// Resolve, with the snapshot's groups already in `groups` (the snapshot's own are ignored).
DesiredState ResolveIndexedGroups(const DirectorySnapshot& snapshot, IndexedGroups groups,
                                  const Mapping& mapping, const Catalog& catalog,
                                  const ResolveOptions& options);

// Resolve for `users` alone, against the groups in `index` (a complete view of the
// directory's groups). The unique-login rule is applied among `users` only, so the caller
// passes every user who shares a login with one of them (the daemon's per-person path).
DesiredState ResolvePeople(const std::vector<const DirectoryUser*>& users,
                           const MembershipIndex& index, const Mapping& mapping,
                           const Catalog& catalog, const ResolveOptions& options);

// One warning for each mapped group the directory does not have.
std::vector<std::string> MissingGroupWarnings(const Mapping& mapping, const MembershipIndex& index);

// ASCII lower-case, for comparing logins: "JSmith" and "jsmith" are one PM login.
std::string FoldLogin(const std::string& login);

}  // namespace pmbridge
