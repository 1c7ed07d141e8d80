#include "connectors/directory/usn_follower.h"

#include <algorithm>
#include <utility>

#include "connectors/directory/ad_follower_config.h"
#include "connectors/directory/full_read_batch.h"
#include "connectors/directory/root_dse.h"

namespace pmbridge {

UsnFollower::UsnFollower(DirectoryConfig config, std::string password, const Clock& clock)
    : config_(std::move(config)),
      password_(std::move(password)),
      clock_(clock),
      schedule_(config_.poll_interval) {}

UsnFollower::~UsnFollower() {
  Stop();
  // Do not leave the password in freed memory.
  std::fill(password_.begin(), password_.end(), '\0');
}

Result<FollowBatch> UsnFollower::Start(const std::string& position) {
  Stop();
  std::optional<UsnPosition> from;
  if (!position.empty()) {
    Result<UsnPosition> parsed = ParseUsnPosition(position);
    if (!parsed.ok()) return parsed.status();
    from = std::move(parsed).value();
  }
  const auto started = PollSchedule::Steady::now();
  Result<std::unique_ptr<LdapConnection>> opened = LdapConnection::Open(config_, password_);
  if (!opened.ok()) return opened.status();
  connection_ = std::move(opened).value();

  // The USN is read before anything else: whatever changes while the directory is read
  // below has a higher USN and is read again by the first poll.
  Result<RootDse> root = ReadRootDse(*connection_);
  Result<std::string> invocation_id =
      root.ok() ? ReadInvocationId(*connection_, root->ds_service_name) : root.status();
  if (!invocation_id.ok()) {
    Stop();
    return invocation_id.status();
  }
  naming_context_ = root->default_naming_context;
  ds_service_name_ = root->ds_service_name;

  Result<FollowBatch> batch = FollowBatch();
  if (from) {
    if (from->invocation_id != *invocation_id) {
      Stop();
      return Status::InvalidInput(
          "the stored uSNChanged position is of another domain controller database "
          "(invocationId " +
          from->invocation_id + "; " + config_.url + " now answers with " + *invocation_id +
          ", after a failover or a restore): its USNs mean nothing there");
    }
    if (from->usn > root->highest_committed_usn) {
      Stop();
      return Status::InvalidInput("the stored uSNChanged position (USN " +
                                  std::to_string(from->usn) + ") is ahead of " + config_.url +
                                  " (highestCommittedUSN " +
                                  std::to_string(root->highest_committed_usn) + ")");
    }
    position_ = std::move(*from);
    batch = PollTo(root->highest_committed_usn, started);
  } else {
    batch = ReadEverything(*connection_, config_, clock_.Now(), started);
    if (batch.ok()) {
      RememberEverything(*batch, &known_);
      position_ = {std::move(invocation_id).value(), root->highest_committed_usn};
      batch->position = FormatUsnPosition(position_);
      schedule_.Polled(started);
    }
  }
  if (!batch.ok()) Stop();
  return batch;
}

Result<FollowBatch> UsnFollower::Next(std::chrono::milliseconds timeout, int wake_fd) {
  if (!connection_) return Status::Internal("the directory follower was not started");
  if (!schedule_.Wait(timeout, wake_fd)) return FollowBatch();
  const auto started = PollSchedule::Steady::now();
  Result<RootDse> root = ReadRootDse(*connection_);
  if (!root.ok()) {
    Stop();
    return root.status();
  }
  if (root->ds_service_name != ds_service_name_) {
    Stop();
    return Status::Directory(config_.url + " now answers as " + root->ds_service_name + ", not " +
                             ds_service_name_ + ": reconnecting");
  }
  Result<FollowBatch> batch = PollTo(root->highest_committed_usn, started);
  if (!batch.ok()) Stop();
  return batch;
}

void UsnFollower::Stop() {
  connection_.reset();
  naming_context_.clear();
  ds_service_name_.clear();
  position_ = UsnPosition();
  known_.clear();
  schedule_.Reset();
}

Result<FollowBatch> UsnFollower::PollTo(std::uint64_t highest,
                                        PollSchedule::Steady::time_point started) {
  if (highest < position_.usn) {
    // Only a database rolled back under the same invocationId does this; Start refuses
    // the position then and the directory is read again.
    return Status::Directory(config_.url + " reports highestCommittedUSN " +
                             std::to_string(highest) + ", below the position's " +
                             std::to_string(position_.usn));
  }
  FollowBatch batch;
  if (highest == position_.usn) {
    schedule_.Polled(started);
    return batch;
  }
  const UsnWindow window{position_.usn,
                         position_.usn + std::min(highest - position_.usn, kMaxUsnsPerPoll)};
  Result<FollowBatch> changes = ReadUsnChanges(*connection_, config_, naming_context_, window,
                                               clock_.Now(), started, &known_);
  if (!changes.ok()) return changes.status();
  position_.usn = window.through;
  changes->position = FormatUsnPosition(position_);
  if (window.through < highest) {
    schedule_.DueNow();
  } else {
    schedule_.Polled(started);
  }
  return changes;
}

Result<std::unique_ptr<DirectoryFollower>> OpenUsnFollower(const DirectoryConfig& config,
                                                           std::string password,
                                                           const Clock& clock) {
  PMB_RETURN_IF_ERROR(CheckActiveDirectoryFollowerConfig(config, "usn", !password.empty()));
  return std::unique_ptr<DirectoryFollower>(
      std::make_unique<UsnFollower>(config, std::move(password), clock));
}

}  // namespace pmbridge
