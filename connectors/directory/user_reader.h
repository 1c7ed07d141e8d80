// Reading the people: entries under users.base_dn matching users.filter, each turned into a
// DirectoryUser through the attribute map (user_entry.h).
#pragma once

#include <chrono>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/directory_source.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/user_entry.h"

namespace pmbridge {

// Appends every user to snapshot->users (paged subtree search), each converted by
// ParseUserEntry; the first entry that cannot be converted (no anchor value, a DN or Active
// Directory account status that cannot be parsed) fails the whole read. `now` decides
// whether an Active Directory accountExpires lies in the past. `watch`, when not null, is
// shown snapshot->users as DirectorySource::UsersWatch says.
Status ReadUsers(LdapConnection& connection, const DirectoryConfig& config,
                 std::chrono::system_clock::time_point now, DirectorySnapshot* snapshot,
                 const DirectorySource::UsersWatch* watch = nullptr);

}  // namespace pmbridge
