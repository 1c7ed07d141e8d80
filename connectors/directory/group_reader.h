// Reading the groups: entries under groups.base_dn matching groups.filter, with their
// anchor and member attribute (group_entry.h), completed by ranged retrieval where the
// server slices the member attribute.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/group_entry.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// Appends every group to snapshot->groups (paged subtree search), each converted by
// ParseGroupEntry: a group without an anchor value or with a DN that cannot be parsed fails
// the read; a member value that is not a DN is skipped with a warning in
// snapshot->warnings. When the server returns the member attribute in slices
// ("member;range=0-1499", Active Directory above 1500 values), the rest is fetched slice by
// slice with base searches; any failure there fails the read.
Status ReadGroups(LdapConnection& connection, const DirectoryConfig& config,
                  DirectorySnapshot* snapshot);

// Fetches the member slices of the group at `raw_dn` (as the server spelled it) from
// `more` on, appending to group->members, until the server marks a slice the last; any
// failure, or a slice that does not start where asked, fails.
Status CompleteGroupMembers(LdapConnection& connection, std::string_view raw_dn,
                            const ParsedGroup::MoreMembers& more, DirectoryGroup* group,
                            std::vector<std::string>* warnings);

}  // namespace pmbridge
