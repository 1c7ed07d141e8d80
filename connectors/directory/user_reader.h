// Reading the people: entries under users.base_dn matching users.filter, each turned into a
// DirectoryUser through the attribute map.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// The attributes a user search asks for: exactly the mapped ones and the anchor, plus
// userAccountControl and accountExpires for Active Directory; no duplicates, no empties.
std::vector<std::string> UserAttributesToRequest(const DirectoryConfig& config);

// Appends every user to snapshot->users (paged subtree search). Fails the whole read when
// an entry has no anchor value (an ACL hiding entryUUID would otherwise look like everyone
// leaving) or its DN or Active Directory account status cannot be parsed. An entry without
// the login attribute is kept with an empty login. `now` decides whether an Active
// Directory accountExpires lies in the past.
Status ReadUsers(LdapConnection& connection, const DirectoryConfig& config,
                 std::chrono::system_clock::time_point now, DirectorySnapshot* snapshot);

}  // namespace pmbridge
