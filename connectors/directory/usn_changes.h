// One uSNChanged poll: what changed on an Active Directory DC between two of its USNs, as
// follower events. Every search is bounded by the same USN window, so an object changed
// while the poll runs falls outside it and is read whole by the next poll, never half.
//
// Samba (4.x) behaviours this relies on, checked against a Samba AD DC:
// - a created, modified, disabled, renamed or moved object takes a new uSNChanged;
// - adding or removing a member bumps the group's uSNChanged, not the member's;
// - renaming or moving an object changes its DN in every group's member values without
//   bumping those groups;
// - renaming or moving an OU or container bumps only that object, not the entries below
//   it, whose DNs all change;
// - a deleted object becomes a tombstone (isDeleted TRUE, a new uSNChanged, the same
//   objectGUID) under CN=Deleted Objects, visible only with the Show Deleted control; its
//   DN disappears from its groups' member values without those groups being bumped;
// - a subtree search of the naming context returns a continuation reference to the
//   configuration partition unless the Domain Scope control is sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// Users and groups in scope as last handed out: anchor -> DN (normal form). Lets a poll
// tell a renamed or moved entry, whose DN in its groups' member values changed silently,
// from one merely modified. An anchor not listed counts as renamed.
using KnownDns = std::unordered_map<std::string, std::string>;

struct UsnWindow {
  std::uint64_t after = 0;    // changes with a USN above this one...
  std::uint64_t through = 0;  // ...up to and including this one
};

// The changes in `window`, read on `connection` under `naming_context` (the DC's
// defaultNamingContext):
// - users (groups) in scope changed in the window: kUserPut (kGroupPut, members complete);
// - tombstones changed in the window: kUserGone and kGroupGone with deleted set;
// - users, groups changed in the window but neither put nor deleted (moved or renamed out
//   of the base, no longer matching the filter): kUserGone and kGroupGone, not deleted;
// - groups in scope listing a put entry that `known` does not hold at that DN (renamed,
//   moved, new): kGroupPut, so their member lists carry the new DN;
// - an OU or container changed in the window (possibly renamed or moved, and with it
//   every DN below): the deletes above, then everything (ReadEverything) with both present
//   sets.
// Updates `known` only when the whole poll succeeded. The position is left empty. `now`
// decides whether an accountExpires lies in the past; `received` stamps every event.
Result<FollowBatch> ReadUsnChanges(LdapConnection& connection, const DirectoryConfig& config,
                                   const std::string& naming_context, UsnWindow window,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::steady_clock::time_point received, KnownDns* known);

// Fills `known` from a batch of puts (a complete read), replacing what it held.
void RememberEverything(const FollowBatch& batch, KnownDns* known);

}  // namespace pmbridge
