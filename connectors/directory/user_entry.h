// One user entry as the directory returns it, turned into a DirectoryUser through the
// attribute map. Shared by the snapshot read (user_reader) and the syncrepl follower, so a
// person read either way is the same DirectoryUser, byte for byte.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_entry.h"

namespace pmbridge {

// The attributes a user search asks for: exactly the mapped ones and the anchor, plus
// userAccountControl and accountExpires for Active Directory; no duplicates, no empties.
std::vector<std::string> UserAttributesToRequest(const DirectoryConfig& config);

// Converts `entry` (its attributes not yet visited) into a DirectoryUser. Fails when the
// entry has no anchor value (an ACL hiding entryUUID would otherwise look like everyone
// leaving), or its DN or Active Directory account status cannot be parsed. An entry without
// the login attribute is kept with an empty login; several login values keep the first,
// with a warning appended to `warnings`. `now` decides whether an Active Directory
// accountExpires lies in the past.
Result<DirectoryUser> ParseUserEntry(LdapEntry& entry, const DirectoryConfig& config,
                                     std::chrono::system_clock::time_point now,
                                     std::vector<std::string>* warnings);

}  // namespace pmbridge
