// A complete read of the directory in the follower's terms: every user and group in scope
// as a put, with both present sets, so anything the caller knew and this read does not
// list is gone. What a polling follower (DirSync, uSNChanged) returns when it starts from
// nothing.
#pragma once

#include <chrono>

#include "bridge/config/config.h"
#include "bridge/directory_follower.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// Reads the users, then the groups (paged, ranged retrieval followed, as the snapshot read
// does); fails as a whole when either read fails. `now` decides whether an Active Directory
// accountExpires lies in the past; `received` stamps every event. The batch's position is
// left empty for the caller.
Result<FollowBatch> ReadEverything(LdapConnection& connection, const DirectoryConfig& config,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::steady_clock::time_point received);

}  // namespace pmbridge
