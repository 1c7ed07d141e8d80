#include "connectors/directory/syncrepl_follower.h"

#include <poll.h>

#include <algorithm>
#include <climits>
#include <iterator>
#include <utility>

#include "connectors/directory/attribute_description.h"
#include "connectors/directory/bind_policy.h"

namespace pmbridge {
namespace {

template <typename T>
void Append(std::vector<T>&& from, std::vector<T>* to) {
  if (to->empty()) {
    *to = std::move(from);
  } else {
    to->insert(to->end(), std::make_move_iterator(from.begin()),
               std::make_move_iterator(from.end()));
  }
}

}  // namespace

SyncreplFollower::SyncreplFollower(DirectoryConfig config, std::string password, const Clock& clock)
    : config_(std::move(config)),
      password_(std::move(password)),
      users_(SyncScope::kUsers, config_, clock),
      groups_(SyncScope::kGroups, config_, clock) {}

SyncreplFollower::~SyncreplFollower() {
  Stop();
  // Do not leave the password in freed memory.
  std::fill(password_.begin(), password_.end(), '\0');
}

Result<FollowBatch> SyncreplFollower::Start(const std::string& position) {
  Stop();
  Result<SyncPosition> from = ParseSyncPosition(position);
  if (!from.ok()) return from.status();
  Status status = users_.Refresh(password_, from->users_cookie);
  if (status.ok()) status = groups_.Refresh(password_, from->groups_cookie);
  if (!status.ok()) {
    Stop();
    return status;
  }
  FollowBatch batch;
  batch.users_present = users_.TakePresent();
  batch.groups_present = groups_.TakePresent();
  reported_ = std::move(from).value();
  if (Status collected = Collect(&batch); !collected.ok()) {
    Stop();
    return collected;
  }
  started_ = true;
  return batch;
}

Result<FollowBatch> SyncreplFollower::Next(std::chrono::milliseconds timeout, int wake_fd) {
  if (!started_) return Status::Internal("the directory follower was not started");
  Status status = DrainBoth();
  if (status.ok() && !Moved()) {
    if (!users_.HasBufferedInput() && !groups_.HasBufferedInput()) Wait(timeout, wake_fd);
    status = DrainBoth();
  }
  FollowBatch batch;
  if (status.ok()) status = Collect(&batch);
  if (!status.ok()) {
    Stop();
    return status;
  }
  return batch;
}

void SyncreplFollower::Stop() {
  users_.Close();
  groups_.Close();
  started_ = false;
  reported_ = SyncPosition();
}

Status SyncreplFollower::DrainBoth() {
  PMB_RETURN_IF_ERROR(users_.Drain(kMaxEventsPerSession));
  return groups_.Drain(kMaxEventsPerSession);
}

void SyncreplFollower::Wait(std::chrono::milliseconds timeout, int wake_fd) const {
  pollfd fds[3] = {{users_.fd(), POLLIN, 0}, {groups_.fd(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
  const nfds_t count = wake_fd >= 0 ? 3 : 2;
  const int ms = static_cast<int>(std::clamp<long long>(timeout.count(), 0, INT_MAX));
  // EINTR (a signal for the daemon) returns early like a wake-up; a closed or failed
  // socket is reported readable, and the drain that follows reports why.
  ::poll(fds, count, ms);
}

bool SyncreplFollower::Moved() const {
  return users_.has_events() || groups_.has_events() || users_.cookie() != reported_.users_cookie ||
         groups_.cookie() != reported_.groups_cookie;
}

Status SyncreplFollower::Collect(FollowBatch* batch) {
  Append(users_.TakeEvents(), &batch->events);
  Append(groups_.TakeEvents(), &batch->events);
  Append(users_.TakeWarnings(), &batch->warnings);
  Append(groups_.TakeWarnings(), &batch->warnings);
  SyncPosition now{std::string(users_.cookie()), std::string(groups_.cookie())};
  if (now == reported_) return Status::Ok();
  Result<std::string> text = FormatSyncPosition(now);
  if (!text.ok()) return text.status();
  batch->position = std::move(text).value();
  reported_ = std::move(now);
  return Status::Ok();
}

Result<std::unique_ptr<DirectoryFollower>> OpenSyncreplFollower(const DirectoryConfig& config,
                                                                std::string password,
                                                                const Clock& clock) {
  if (config.flavor != DirectoryFlavor::kOpenLdap) {
    return Status::InvalidInput(
        "change_detection: syncrepl needs an OpenLDAP server (Active Directory does not "
        "support RFC 4533 syncrepl; use dirsync or usn)");
  }
  if (!SameAttribute(config.users.attributes.anchor, "entryUUID")) {
    return Status::InvalidInput(
        "change_detection: syncrepl names deleted entries by entryUUID, "
        "so the anchor attribute must be entryUUID, not '" +
        config.users.attributes.anchor + "'");
  }
  if (config.groups.member_attribute.empty()) {
    return Status::InvalidInput("no member attribute is configured");
  }
  if (config.timeout.count() <= 0) {
    return Status::InvalidInput("directory timeout must be positive");
  }
  PMB_RETURN_IF_ERROR(CheckBindPolicy(config, !password.empty()));
  return std::unique_ptr<DirectoryFollower>(
      std::make_unique<SyncreplFollower>(config, std::move(password), clock));
}

}  // namespace pmbridge
