// Resolution: behaviour rules 2 (entitlement) and 4 (unique logins) of DESIGN.md. Pure.
#pragma once

#include <memory>

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

// A full read's resolve begun while its users still come in: each page of them is checked
// and entitled on the reading thread while the server reads the next page, once the groups
// are indexed and the catalog is known (a catalog read before the write transaction, which
// the resolve must then find unchanged). What is left, the last page and the one-login
// rule among everyone, runs after the read, in ResolveIndexedGroups.
class ResolveAlongRead {
 public:
  ResolveAlongRead(const Mapping& mapping, const ResolveOptions& options);
  ~ResolveAlongRead();
  ResolveAlongRead(const ResolveAlongRead&) = delete;
  ResolveAlongRead& operator=(const ResolveAlongRead&) = delete;

  // Checks and entitles up to `most` more of `users`, writing the entitlements in
  // `groups.slots`. Every call passes the same list (appended to in between), `groups` and
  // `catalog`, which must outlive this object; a call that does not gives up.
  void Advance(const std::vector<DirectoryUser>& users, IndexedGroups& groups,
               const Catalog& catalog, std::size_t most);
  // The users are about to move: what was done for them is dropped for good.
  void GiveUp();
  // How many users are done.
  std::size_t done() const;

 private:
  friend DesiredState ResolveIndexedGroups(const DirectorySnapshot&, IndexedGroups, const Mapping&,
                                           const Catalog&, const ResolveOptions&,
                                           ResolveAlongRead*);
  struct Work;
  std::unique_ptr<Work> work_;
};

// Resolve, with the snapshot's groups already in `groups` (the snapshot's own are ignored).
// `along`, when not null, is the resolve begun during the read of `snapshot` with
// `groups`: it is finished here unless it gave up, its catalog differs from `catalog`, or
// so many users are left that two threads would do them sooner.
DesiredState ResolveIndexedGroups(const DirectorySnapshot& snapshot, IndexedGroups groups,
                                  const Mapping& mapping, const Catalog& catalog,
                                  const ResolveOptions& options, ResolveAlongRead* along = nullptr);

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
