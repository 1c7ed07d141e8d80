// One group entry as the directory returns it, turned into a DirectoryGroup: its anchor and
// its member attribute. Shared by the snapshot read (group_reader) and the syncrepl
// follower, so a group read either way is the same DirectoryGroup.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_entry.h"

namespace pmbridge {

// The attributes a group search asks for: the member attribute and the anchor (the same
// attribute as for users: entryUUID, objectGUID).
std::vector<std::string> GroupAttributesToRequest(const DirectoryConfig& config);

// A group entry converted, and whether its member list is complete.
struct ParsedGroup {
  DirectoryGroup group;
  // Set when the server sliced the member attribute and more slices remain (Active
  // Directory ranged retrieval, "member;range=0-1499"): the member type as the server
  // spelled it, and the index of the first value still missing.
  struct MoreMembers {
    std::string type;
    std::uint32_t next = 0;
  };
  std::optional<MoreMembers> more_members;
};

// Converts `entry` (its attributes not yet visited). Member values are put in normal form;
// one that is not a DN is skipped with a warning appended to `warnings`. Fails when the
// group has no anchor value, its DN cannot be parsed, or a range option is malformed.
Result<ParsedGroup> ParseGroupEntry(LdapEntry& entry, const DirectoryConfig& config,
                                    std::vector<std::string>* warnings);

// Appends member `values` to group->members in normal form, skipping (with a warning) any
// value that is not a DN.
void AppendGroupMembers(std::span<const berval> values, DirectoryGroup* group,
                        std::vector<std::string>* warnings);

}  // namespace pmbridge
