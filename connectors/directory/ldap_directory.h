// The libldap DirectorySource: one connection, opened on first use and reopened after it
// broke, from which each ReadSnapshot reads the groups, then the users. Not thread-safe: one
// caller at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/directory_source.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

class LdapDirectory final : public DirectorySource {
 public:
  // `clock` decides whether an Active Directory accountExpires lies in the past; it must
  // outlive this object. Does not connect.
  LdapDirectory(DirectoryConfig config, std::string password, const Clock& clock);
  ~LdapDirectory() override;

  Status Connect() override;
  Result<DirectorySnapshot> ReadSnapshot() override;
  // The groups are read first (about a tenth of the read), then handed over; the users are
  // shown as each page of them is in.
  Result<DirectorySnapshot> ReadSnapshotHandingOver(const ReadHandoffs& handoffs) override;

 private:
  // `handoffs`: as ReadSnapshotHandingOver; null keeps the groups in the snapshot.
  Result<DirectorySnapshot> Read(const ReadHandoffs* handoffs);
  Result<DirectorySnapshot> ReadOnce(const ReadHandoffs* handoffs);
  // Room for the users of a read: as many as the last one found or, on a first read, one
  // for each member value of `groups` (most people are in a group, and most members are
  // people). Room never used is address space, never touched; growing a list of 100k
  // people instead copies them all at every doubling, a third of the users read's time.
  std::size_t UsersToReserve(const std::vector<DirectoryGroup>& groups) const;
  // At most this many (264 MB of address space) from the groups.
  static constexpr std::size_t kMostUsersReservedFromGroups = 1000000;

  DirectoryConfig config_;
  std::string password_;
  const Clock& clock_;
  std::unique_ptr<LdapConnection> connection_;
  // Sizes of the last complete read, to reserve the next one.
  std::size_t last_user_count_ = 0;
  std::size_t last_group_count_ = 0;
};

// OpenDirectory with an explicit clock (tests). Validates the configuration and the bind
// policy (CheckBindPolicy) without connecting.
Result<std::unique_ptr<DirectorySource>> OpenLdapDirectory(const DirectoryConfig& config,
                                                           std::string password,
                                                           const Clock& clock);

}  // namespace pmbridge
