// The Active Directory DirectoryFollower for bind accounts without DirSync rights:
// uSNChanged polling. Every poll_interval it reads the DC's highestCommittedUSN and, when
// that moved, what changed since the last one (usn_changes.h); deletes are seen as
// tombstones through the Show Deleted control. The position is the DC's invocationId and
// a USN (usn_position.h). One connection; not thread-safe.
//
// Security: the position advances only past a poll that completed; any failure leaves it
// where it was and is an error, never an empty answer, so a broken read never looks like
// departures. An idle poll costs one base search of the root DSE.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/poll_schedule.h"
#include "connectors/directory/usn_changes.h"
#include "connectors/directory/usn_position.h"

namespace pmbridge {

class UsnFollower final : public DirectoryFollower {
 public:
  // One poll reads at most this many USNs of changes; a DC further ahead is caught up by
  // the polls that follow at once, so a flood of changes commits in bounded batches.
  static constexpr std::uint64_t kMaxUsnsPerPoll = 5000;

  // `clock` decides whether an accountExpires lies in the past; it must outlive this
  // object. Does not connect.
  UsnFollower(DirectoryConfig config, std::string password, const Clock& clock);
  ~UsnFollower() override;

  // Connects and reads the root DSE and the DC's invocationId. From "": reads
  // highestCommittedUSN first, then everything (both present sets); the position is that
  // USN. From a position: one poll of what changed since, no present sets. A malformed
  // position, one of another DC (other invocationId: failover, a restored DC) or one ahead
  // of the DC is kInvalidInput (start again from "").
  Result<FollowBatch> Start(const std::string& position) override;
  // Polls when poll_interval has passed since the last poll started (at once while the last
  // one stopped short at kMaxUsnsPerPoll); otherwise waits for that, `timeout` or `wake_fd`
  // and returns nothing.
  Result<FollowBatch> Next(std::chrono::milliseconds timeout, int wake_fd) override;
  void Stop() override;

 private:
  // Reads the changes after position_.usn up to `highest`, the DC's highestCommittedUSN
  // (at most kMaxUsnsPerPoll of them), and moves position_ past them; a poll that
  // `started` then. Nothing moves on failure.
  Result<FollowBatch> PollTo(std::uint64_t highest, PollSchedule::Steady::time_point started);

  DirectoryConfig config_;
  std::string password_;
  const Clock& clock_;
  std::unique_ptr<LdapConnection> connection_;
  std::string naming_context_;   // defaultNamingContext
  std::string ds_service_name_;  // the DC answering on connection_
  UsnPosition position_;         // what the caller was last handed
  KnownDns known_;
  PollSchedule schedule_;
};

// OpenDirectoryFollower for change_detection: usn. Validates the configuration and the
// bind policy without connecting: an Active Directory server, the anchor objectGUID
// (tombstones keep only it), a member attribute, a positive timeout.
Result<std::unique_ptr<DirectoryFollower>> OpenUsnFollower(const DirectoryConfig& config,
                                                           std::string password,
                                                           const Clock& clock);

}  // namespace pmbridge
