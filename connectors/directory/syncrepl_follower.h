// The OpenLDAP DirectoryFollower: RFC 4533 syncrepl refreshAndPersist through libldap's
// ldap_sync_*, one session for the users and one for the groups, each on its own
// connection. The position is both sessions' cookies (sync_position.h). Not thread-safe.
//
// slapd quirk: with a session log (syncprov-sessionlog), a resumed refresh lists every
// delete since the cookie, not only those under the session's base and filter, so a Gone
// event may name an anchor the caller never saw (even a user's anchor as kGroupGone);
// removing an unknown anchor is nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "connectors/directory/sync_position.h"
#include "connectors/directory/syncrepl_session.h"

namespace pmbridge {

class SyncreplFollower final : public DirectoryFollower {
 public:
  // At most this many events of one session are handed over by one Next; the rest wait
  // for the next call, so a flood of changes commits in bounded batches.
  static constexpr std::size_t kMaxEventsPerSession = 5000;

  // `clock` decides whether an Active Directory accountExpires lies in the past (unused
  // for OpenLDAP, kept for the shared entry conversion); it must outlive this object. Does
  // not connect.
  SyncreplFollower(DirectoryConfig config, std::string password, const Clock& clock);
  ~SyncreplFollower() override;

  // Refreshes the users session, then the groups session, each on a new connection. A
  // malformed position is kInvalidInput (start again from ""). A session whose cookie the
  // server will not resume from (e-syncRefreshRequired, a cookie newer than the server's
  // state) is refreshed from nothing, with its present set.
  Result<FollowBatch> Start(const std::string& position) override;
  // Drains what both sessions already received; when that is nothing, waits on both
  // sockets and `wake_fd`, then drains again. Users' events come before groups' events.
  Result<FollowBatch> Next(std::chrono::milliseconds timeout, int wake_fd) override;
  void Stop() override;

 private:
  Status DrainBoth();
  // Waits until a session's socket or `wake_fd` is readable, or `timeout`.
  void Wait(std::chrono::milliseconds timeout, int wake_fd) const;
  // Moves both sessions' events and warnings into `batch`, and the position when a cookie
  // moved since the last one handed out.
  Status Collect(FollowBatch* batch);
  bool Moved() const;

  DirectoryConfig config_;
  std::string password_;
  SyncreplSession users_;
  SyncreplSession groups_;
  bool started_ = false;
  SyncPosition reported_;  // the position the caller holds
};

// OpenDirectoryFollower for change_detection: syncrepl. Validates the configuration and the
// bind policy without connecting: an OpenLDAP server (Active Directory has no syncrepl),
// the anchor entryUUID (deletes name entries by it), a positive timeout.
Result<std::unique_ptr<DirectoryFollower>> OpenSyncreplFollower(const DirectoryConfig& config,
                                                                std::string password,
                                                                const Clock& clock);

}  // namespace pmbridge
