// The Active Directory DirectoryFollower: DirSync (MS-ADTS 3.1.1.3.4.1.3) polled every
// config.poll_interval over one connection, with incremental member values. The position
// is the DirSync cookie (dirsync_position.h). Not thread-safe.
//
// DirSync reports changes across the whole domain naming context with only the attributes
// that changed; what they mean for the bridge is decided per object:
//   - a tombstone (isDeleted) is a deleted user and group (anchors the caller does not
//     hold are nothing to it);
//   - member values added or removed, and nothing else, are a kGroupMembers change;
//   - anything else is read again by objectGUID (scoped_entry_reader.h): a put when in
//     scope, a departure (not a deletion) when out of it. An object renamed or moved also
//     has the groups listing it read again: Active Directory rewrites their member values
//     without reporting the groups as changed;
//   - an OU or container renamed or moved changed the DN of everything below it, none of
//     which is reported: the round keeps its deletions and reads everything again (puts
//     and both present sets, handed over with the round's last batch).
// A round that fails anywhere is an error and reports nothing; the position moves only
// with a round that completed. Nothing is ever inferred from a failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "connectors/directory/dirsync_change.h"
#include "connectors/directory/dirsync_search.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/poll_schedule.h"

namespace pmbridge {

class DirsyncFollower final : public DirectoryFollower {
 public:
  // At most this many events are handed over by one Start or Next; the rest of a round
  // follows in the next calls (without waiting), and only the last batch of a round
  // carries its position.
  static constexpr std::size_t kMaxEventsPerBatch = 5000;

  // `clock` decides whether an accountExpires lies in the past; it must outlive this
  // object. Does not connect.
  DirsyncFollower(DirectoryConfig config, std::string password, const Clock& clock);
  ~DirsyncFollower() override;

  // Connects and binds, reads the domain's naming context, then:
  //   - from "": takes the current DirSync cookie (a round whose filter matches nothing:
  //     the server still returns a cookie that is up to date), then reads everything
  //     (full_read_batch.h): puts and both present sets, at that cookie. Changes made
  //     between the two are reported again by the next round; puts are idempotent.
  //   - from a position: one round from its cookie; its changes, no present sets.
  // A malformed position, or a cookie the server rejects, is kInvalidInput.
  Result<FollowBatch> Start(const std::string& position) override;
  // Hands over what is left of the last round; else, once poll_interval has passed since
  // the last round began, runs a round; else waits (wake_fd, `timeout`, the next round's
  // time) and returns nothing, or runs the round that became due.
  Result<FollowBatch> Next(std::chrono::milliseconds timeout, int wake_fd) override;
  void Stop() override;

 private:
  // Runs one round from cookie_; on success its events replace pending_ and cookie_ moves.
  Status Poll();
  // Turns one change into events (reading the object again where needed).
  // Sets *container_moved for an OU or container renamed or moved.
  Status Resolve(const DirsyncChange& change, std::chrono::steady_clock::time_point received,
                 std::vector<DirectoryEvent>* events, std::vector<std::string>* warnings,
                 bool* container_moved);
  // True when the object with objectGUID `anchor` is an OU or a container.
  Result<bool> IsContainer(const std::string& anchor);
  // kGroupPut for every group in scope whose member attribute holds `raw_dn`.
  Status RereadGroupsListing(const std::string& raw_dn,
                             std::chrono::steady_clock::time_point received,
                             std::vector<DirectoryEvent>* events,
                             std::vector<std::string>* warnings);
  // Up to kMaxEventsPerBatch pending events, and the position when none remain and the
  // cookie moved since the last one handed out.
  FollowBatch TakeBatch();

  DirectoryConfig config_;
  std::string password_;
  const Clock& clock_;
  DirsyncRequest request_;  // base set by Start
  std::unique_ptr<LdapConnection> connection_;
  bool started_ = false;
  std::string cookie_;    // of the last round that completed
  std::string reported_;  // the cookie of the position the caller holds
  std::deque<DirectoryEvent> pending_;
  std::vector<std::string> pending_warnings_;
  std::optional<std::unordered_set<std::string>> pending_users_present_;
  std::optional<std::unordered_set<std::string>> pending_groups_present_;
  PollSchedule schedule_;  // the next round's time
};

// OpenDirectoryFollower for change_detection: dirsync. Validates the configuration and the
// bind policy without connecting: an Active Directory server, the anchor objectGUID
// (tombstones name objects by it), a member attribute, a positive timeout and poll
// interval.
Result<std::unique_ptr<DirectoryFollower>> OpenDirsyncFollower(const DirectoryConfig& config,
                                                               std::string password,
                                                               const Clock& clock);

}  // namespace pmbridge
