#include "connectors/directory/ldap_directory.h"

#include <algorithm>
#include <utility>

#include "connectors/directory/bind_policy.h"
#include "connectors/directory/group_reader.h"
#include "connectors/directory/user_reader.h"

namespace pmbridge {

LdapDirectory::LdapDirectory(DirectoryConfig config, std::string password, const Clock& clock)
    : config_(std::move(config)), password_(std::move(password)), clock_(clock) {}

LdapDirectory::~LdapDirectory() {
  // Do not leave the password in freed memory.
  std::fill(password_.begin(), password_.end(), '\0');
}

Status LdapDirectory::Connect() {
  if (connection_ != nullptr && !connection_->broken()) return Status::Ok();
  connection_.reset();
  Result<std::unique_ptr<LdapConnection>> connection = LdapConnection::Open(config_, password_);
  if (!connection.ok()) return connection.status();
  // Snapshot reads take each message by itself (PagedSearch).
  PMB_RETURN_IF_ERROR((*connection)->ReadAhead());
  connection_ = std::move(connection).value();
  return Status::Ok();
}

Result<DirectorySnapshot> LdapDirectory::ReadSnapshot() { return Read(nullptr); }

Result<DirectorySnapshot> LdapDirectory::ReadSnapshotHandingOver(const ReadHandoffs& handoffs) {
  return Read(&handoffs);
}

Result<DirectorySnapshot> LdapDirectory::Read(const ReadHandoffs* handoffs) {
  const bool reusing = connection_ != nullptr && !connection_->broken();
  PMB_RETURN_IF_ERROR(Connect());
  Result<DirectorySnapshot> snapshot = ReadOnce(handoffs);
  if (!snapshot.ok() && reusing && connection_->broken()) {
    // The server dropped a connection that sat idle since the last read (a restart, an
    // idle timeout): one fresh connection decides. A read is all or nothing, so retrying
    // cannot mix two half reads.
    PMB_RETURN_IF_ERROR(Connect());
    snapshot = ReadOnce(handoffs);
  }
  if (!snapshot.ok() && connection_->broken()) connection_.reset();
  return snapshot;
}

std::size_t LdapDirectory::UsersToReserve(const std::vector<DirectoryGroup>& groups) const {
  if (last_user_count_ != 0) return last_user_count_;
  return std::min(MemberValues(groups), kMostUsersReservedFromGroups);
}

Result<DirectorySnapshot> LdapDirectory::ReadOnce(const ReadHandoffs* handoffs) {
  DirectorySnapshot snapshot;
  snapshot.groups.reserve(last_group_count_);
  PMB_RETURN_IF_ERROR(ReadGroups(*connection_, config_, &snapshot));
  const std::size_t groups = snapshot.groups.size();
  snapshot.users.reserve(UsersToReserve(snapshot.groups));
  if (handoffs != nullptr) handoffs->take_groups(std::exchange(snapshot.groups, {}));
  const UsersWatch* watch =
      handoffs != nullptr && handoffs->watch_users ? &handoffs->watch_users : nullptr;
  PMB_RETURN_IF_ERROR(ReadUsers(*connection_, config_, clock_.Now(), &snapshot, watch));
  last_user_count_ = snapshot.users.size();
  last_group_count_ = groups;
  return snapshot;
}

Result<std::unique_ptr<DirectorySource>> OpenLdapDirectory(const DirectoryConfig& config,
                                                           std::string password,
                                                           const Clock& clock) {
  if (config.page_size < 1) {
    return Status::InvalidInput("directory page size must be at least 1, not " +
                                std::to_string(config.page_size));
  }
  if (config.timeout.count() <= 0) {
    return Status::InvalidInput("directory timeout must be positive");
  }
  PMB_RETURN_IF_ERROR(CheckBindPolicy(config, !password.empty()));
  return std::unique_ptr<DirectorySource>(
      std::make_unique<LdapDirectory>(config, std::move(password), clock));
}

Result<std::unique_ptr<DirectorySource>> OpenDirectory(const DirectoryConfig& config,
                                                       std::string password) {
  static const SystemClock kSystemClock;
  return OpenLdapDirectory(config, std::move(password), kSystemClock);
}

}  // namespace pmbridge
