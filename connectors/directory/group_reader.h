// Reading the groups: entries under groups.base_dn matching groups.filter, with only their
// member attribute, completed by ranged retrieval where the server slices it.
#pragma once

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// Appends every group to snapshot->groups (paged subtree search). Member values are put in
// normal form; one that is not a DN is skipped with a warning in snapshot->warnings. When
// the server returns the member attribute in slices ("member;range=0-1499", Active
// Directory above 1500 values), the rest is fetched slice by slice with base searches; any
// failure there fails the read. A group DN that cannot be parsed fails the read.
Status ReadGroups(LdapConnection& connection, const DirectoryConfig& config,
                  DirectorySnapshot* snapshot);

}  // namespace pmbridge
