// The change-following seam of the daemon. connectors/directory implements it for OpenLDAP
// with RFC 4533 syncrepl refreshAndPersist (libldap's ldap_sync_*): one session for the
// users base and filter, one for the groups base and filter.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bridge/clock.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"

namespace pmbridge {

struct DirectoryConfig;

// One change the directory reported. Gone events carry only the anchor (entryUUID,
// objectGUID): a delete names nothing else reliably.
struct DirectoryEvent {
  enum class Kind { kUserPut, kUserGone, kGroupPut, kGroupGone, kGroupMembers };
  Kind kind = Kind::kUserPut;
  DirectoryUser user;    // kUserPut: the entry as it is now
  DirectoryGroup group;  // kGroupPut: the entry as it is now, with its anchor
  std::string anchor;    // kUserGone, kGroupGone, kGroupMembers
  // kUserGone: the entry was deleted, not merely moved out of scope. Samba leaves a deleted
  // user's DN in the member lists of its groups, so the model drops it from them itself: a
  // new entry later given the same DN must not inherit the old memberships.
  bool deleted = false;
  // kGroupMembers: member values (normal form) added to and removed from the group
  // `anchor`, which is at `group.dn` (Active Directory DirSync incremental values). A
  // group the model does not hold at that DN is out of scope: the event is nothing.
  std::vector<std::string> members_added;
  std::vector<std::string> members_removed;
  // When the follower read the notification (for the removal-to-disable latency).
  std::chrono::steady_clock::time_point received;
};

// What a follower read: events in the directory's order, and where it now stands.
struct FollowBatch {
  std::vector<DirectoryEvent> events;
  // Set by a refresh that ended in present mode (or that started with no position): the
  // anchors of every user (group) now in scope. Any user (group) the caller knows that is
  // not listed is gone. Never set from an incomplete refresh.
  std::optional<std::unordered_set<std::string>> users_present;
  std::optional<std::unordered_set<std::string>> groups_present;
  // The sync position after this batch, opaque (stored in pmbridge_state and given back
  // to Start). Empty when nothing moved it.
  std::string position;
  // Entries read but not fully usable, for the log (e.g. a member value that is not a DN,
  // skipped; several login values, the first used), as DirectorySnapshot::warnings.
  std::vector<std::string> warnings;
};

class DirectoryFollower {
 public:
  virtual ~DirectoryFollower() = default;

  // (Re)connects, binds and runs the refresh phase of both sessions from `position`
  // (empty: from nothing, so the batch lists every entry in scope and both present sets).
  // Returns once both refreshes are done. Any failure — including a refresh cut short,
  // a size limit or a missing anchor — is an error and nothing of that refresh is
  // returned: an incomplete refresh must never look like departures.
  virtual Result<FollowBatch> Start(const std::string& position) = 0;

  // Waits up to `timeout` for notifications, returning early when `wake_fd` (>= 0)
  // becomes readable (without reading it); then returns everything already received,
  // possibly nothing. An error means the sessions are lost: call Start again with the
  // last position returned.
  virtual Result<FollowBatch> Next(std::chrono::milliseconds timeout, int wake_fd) = 0;

  // Abandons the sessions and disconnects. Start may be called again.
  virtual void Stop() = 0;
};

// The follower for config.change_detection (syncrepl; dirsync; usn; kInvalidInput for a
// strategy not built). Applies the bind policy; does not connect.
Result<std::unique_ptr<DirectoryFollower>> OpenDirectoryFollower(const DirectoryConfig& config,
                                                                 std::string password,
                                                                 const Clock& clock);

}  // namespace pmbridge
