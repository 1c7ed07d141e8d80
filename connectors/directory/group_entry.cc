#include "connectors/directory/group_entry.h"

#include <limits>
#include <string_view>

#include "bridge/dn.h"
#include "connectors/directory/anchor.h"
#include "connectors/directory/attribute_description.h"

namespace pmbridge {

namespace {

// Active Directory's default MaxValRange: the largest slice a server returns unasked.
constexpr char kFirstActiveDirectorySlice[] = ";range=0-1499";

}  // namespace

std::vector<std::string> GroupAttributesToRequest(const DirectoryConfig& config) {
  std::vector<std::string> out;
  if (!config.groups.member_attribute.empty()) {
    // Active Directory slices member lists above 1500 values on its own, Samba does not:
    // asking for the first slice explicitly makes both behave alike, so the range
    // following of group_reader is exercised against Samba the way Windows forces it.
    out.push_back(config.flavor == DirectoryFlavor::kActiveDirectory
                      ? config.groups.member_attribute + kFirstActiveDirectorySlice
                      : config.groups.member_attribute);
  }
  const std::string& anchor = config.users.attributes.anchor;
  if (!anchor.empty() && (out.empty() || !SameAttribute(out[0], anchor))) out.push_back(anchor);
  return out;
}

void AppendGroupMembers(std::span<const berval> values, DirectoryGroup* group,
                        std::vector<std::string>* warnings) {
  group->members.reserve(group->members.size() + values.size());
  for (const berval& value : values) {
    Result<std::string> member = NormalizeDn(View(value));
    if (member.ok()) {
      group->members.push_back(std::move(member).value());
    } else {
      warnings->push_back("group " + group->dn + ": member value '" + std::string(View(value)) +
                          "' is not a DN (" + member.status().message() + "); skipped");
    }
  }
}

Result<ParsedGroup> ParseGroupEntry(LdapEntry& entry, const DirectoryConfig& config,
                                    std::vector<std::string>* warnings) {
  const std::string& member_attribute = config.groups.member_attribute;
  const std::string& anchor_attribute = config.users.attributes.anchor;
  if (member_attribute.empty()) return Status::InvalidInput("no member attribute is configured");
  if (anchor_attribute.empty()) return Status::InvalidInput("no anchor attribute is configured");

  Result<std::string> dn = NormalizeDn(entry.dn());
  if (!dn.ok()) {
    return Status::Directory("group entry DN '" + std::string(entry.dn()) +
                             "' cannot be parsed: " + dn.status().message());
  }
  ParsedGroup parsed;
  DirectoryGroup& group = parsed.group;
  group.dn = std::move(dn).value();
  Status status = entry.ForEachAttribute([&](std::string_view description,
                                             std::span<const berval> values) -> Status {
    if (SameAttribute(description, anchor_attribute) && !values.empty()) {
      Result<std::string> anchor = AnchorFromValue(anchor_attribute, View(values[0]));
      if (!anchor.ok()) return anchor.status().WithContext("group " + group.dn);
      group.anchor = std::move(anchor).value();
    }
    const std::string_view type = AttributeType(description);
    if (!SameAttribute(type, member_attribute)) return Status::Ok();
    Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
    if (!range.ok()) return range.status().WithContext("group " + group.dn);
    // Other options (a language tag, say) are not member lists.
    if (!range->has_value() && type.size() != description.size()) return Status::Ok();
    AppendGroupMembers(values, &group, warnings);
    if (range->has_value() && !(*range)->is_last()) {
      if (*(*range)->high == std::numeric_limits<std::uint32_t>::max()) {
        return Status::Directory("group " + group.dn + ": member range ends at the largest index");
      }
      parsed.more_members = ParsedGroup::MoreMembers{std::string(type), *(*range)->high + 1};
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (group.anchor.empty()) {
    return Status::Directory(
        "group " + group.dn + " has no " + anchor_attribute + " value (the anchor) at " +
        config.url +
        "; the bind account may not be allowed to read it (check the directory's access "
        "rules). The read is refused: a group without its anchor cannot be followed");
  }
  return parsed;
}

}  // namespace pmbridge
