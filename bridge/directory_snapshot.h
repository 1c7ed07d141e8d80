// What a complete read of the directory returns: the users under the users base that match
// the users filter, and the groups under the groups base. The connector guarantees a
// snapshot is complete; an incomplete read is an error, never a short snapshot.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace pmbridge {

struct DirectoryUser {
  std::string anchor;  // entryUUID, or objectGUID in canonical form; never empty
  std::string dn;      // normal form (NormalizeDn)
  std::string login;   // empty when the entry has no login attribute
  std::string first_name;
  std::string last_name;
  std::string middle_initial;
  std::string email;
  // Why the directory itself says this person may not log in (AD ACCOUNTDISABLE, an
  // expired accountExpires); empty when it does not.
  std::string directory_disabled_reason;
  // When the directory will stop this person logging in (AD accountExpires, still in the
  // future when read); the epoch when it will not. Nothing in the directory changes at
  // that moment, so the daemon re-checks the person itself (DirectoryModel::ExpireDue).
  std::chrono::system_clock::time_point expires_at{};
};

struct DirectoryGroup {
  std::string anchor;                // entryUUID / objectGUID text, as for users
  std::string dn;                    // normal form
  std::vector<std::string> members;  // member attribute values, normal form
};

// How many member values `groups` list in all: a bound on their distinct members, which a
// full read sizes its lists from before it knows them.
inline std::size_t MemberValues(const std::vector<DirectoryGroup>& groups) {
  std::size_t values = 0;
  for (const DirectoryGroup& group : groups) values += group.members.size();
  return values;
}

struct DirectorySnapshot {
  std::vector<DirectoryUser> users;
  std::vector<DirectoryGroup> groups;
  std::vector<std::string> warnings;  // e.g. an entry skipped and why
};

}  // namespace pmbridge
