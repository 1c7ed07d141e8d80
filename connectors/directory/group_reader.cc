#include "connectors/directory/group_reader.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/directory/attribute_description.h"
#include "connectors/directory/group_entry.h"
#include "connectors/directory/paged_search.h"

namespace pmbridge {
namespace {

// A group whose member attribute came back sliced, and where the next slice starts.
struct UnfinishedGroup {
  std::size_t index;   // into snapshot->groups
  std::string raw_dn;  // as the server spelled it, for the base searches
  ParsedGroup::MoreMembers more;
};

// The slice after `range`, or an error when there is none to ask for.
Result<std::uint32_t> NextSliceStart(const AttributeRange& range, const std::string& dn) {
  if (*range.high == std::numeric_limits<std::uint32_t>::max()) {
    return Status::Directory("group " + dn + ": member range ends at the largest index");
  }
  return *range.high + 1;
}

}  // namespace

Status CompleteGroupMembers(LdapConnection& connection, std::string_view raw_dn,
                            const ParsedGroup::MoreMembers& more, DirectoryGroup* group,
                            std::vector<std::string>* warnings) {
  std::uint32_t next = more.next;
  for (;;) {
    SearchRequest request;
    request.base = std::string(raw_dn);
    request.scope = LDAP_SCOPE_BASE;
    request.attributes = {RangeRequest(more.type, next)};
    std::optional<AttributeRange> slice;
    Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
      return entry.ForEachAttribute(
          [&](std::string_view description, std::span<const berval> values) -> Status {
            if (!SameAttribute(AttributeType(description), more.type)) return Status::Ok();
            Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
            if (!range.ok()) return range.status();
            if (!range->has_value() || (*range)->low != next) {
              return Status::Directory("asked for " + request.attributes[0] + ", got '" +
                                       std::string(description) + "'");
            }
            slice = **range;
            AppendGroupMembers(values, group, warnings);
            return Status::Ok();
          });
    });
    const std::string context = "fetching the members of group " + group->dn + " from index " +
                                std::to_string(next) + " at " + connection.url();
    PMB_RETURN_IF_ERROR(status.WithContext(context));
    if (!slice) {
      return Status::Directory(context + ": the server returned no " + request.attributes[0] +
                               " values, so the member list would be incomplete");
    }
    if (slice->is_last()) return Status::Ok();
    Result<std::uint32_t> after = NextSliceStart(*slice, group->dn);
    if (!after.ok()) return after.status();
    next = *after;
  }
}

Status ReadGroups(LdapConnection& connection, const DirectoryConfig& config,
                  DirectorySnapshot* snapshot) {
  if (config.groups.member_attribute.empty()) {
    return Status::InvalidInput("no member attribute is configured");
  }
  if (config.users.attributes.anchor.empty()) {
    return Status::InvalidInput("no anchor attribute is configured");
  }

  SearchRequest request;
  request.base = config.groups.base_dn;
  request.scope = LDAP_SCOPE_SUBTREE;
  request.filter = config.groups.filter;
  request.attributes = GroupAttributesToRequest(config);
  request.page_size = config.page_size;
  request.controls = SubtreeSearchControls(config);

  std::vector<UnfinishedGroup> unfinished;
  Status searched = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    Result<ParsedGroup> parsed = ParseGroupEntry(entry, config, &snapshot->warnings);
    if (!parsed.ok()) return parsed.status();
    if (parsed->more_members) {
      unfinished.push_back(
          {snapshot->groups.size(), std::string(entry.dn()), std::move(*parsed->more_members)});
    }
    snapshot->groups.push_back(std::move(parsed->group));
    return Status::Ok();
  });
  PMB_RETURN_IF_ERROR(searched);

  // Fetched after the paged search has finished, so only one operation is in flight.
  for (const UnfinishedGroup& u : unfinished) {
    PMB_RETURN_IF_ERROR(CompleteGroupMembers(connection, u.raw_dn, u.more,
                                             &snapshot->groups[u.index], &snapshot->warnings));
  }
  return Status::Ok();
}

}  // namespace pmbridge
