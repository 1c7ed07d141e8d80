#include "connectors/directory/dirsync_change.h"

#include <optional>

#include "bridge/dn.h"
#include "connectors/directory/anchor.h"
#include "connectors/directory/ascii.h"
#include "connectors/directory/attribute_description.h"
#include "connectors/directory/ldap_entry.h"

namespace pmbridge {
namespace {

// Always sent with each entry, whatever changed.
constexpr std::string_view kInstanceType = "instanceType";
constexpr std::string_view kIsDeleted = "isDeleted";
constexpr std::string_view kObjectClass = "objectClass";
constexpr std::string_view kName = "name";
constexpr std::string_view kParentGuid = "parentGUID";

void AppendMembers(std::span<const berval> values, const DirsyncChange& change,
                   std::vector<std::string>* to, std::vector<std::string>* warnings) {
  to->reserve(to->size() + values.size());
  for (const berval& value : values) {
    const std::string_view text = StripExtendedDn(View(value));
    Result<std::string> member = NormalizeDn(text);
    if (member.ok()) {
      to->push_back(std::move(member).value());
    } else {
      warnings->push_back("group " + change.dn + ": member value '" + std::string(text) +
                          "' is not a DN (" + member.status().message() + "); skipped");
    }
  }
}

}  // namespace

std::string_view StripExtendedDn(std::string_view value) {
  while (!value.empty() && value.front() == '<') {
    const std::size_t end = value.find(">;");
    if (end == std::string_view::npos) break;
    value.remove_prefix(end + 2);
  }
  return value;
}

Status AddDirsyncAttribute(std::string_view description, std::span<const berval> values,
                           const DirectoryConfig& config, DirsyncChange* change,
                           std::vector<std::string>* warnings) {
  const std::string& anchor_attribute = config.users.attributes.anchor;
  if (SameAttribute(description, anchor_attribute)) {
    if (values.empty()) return Status::Ok();
    Result<std::string> anchor = AnchorFromValue(anchor_attribute, View(values[0]));
    if (!anchor.ok()) return anchor.status().WithContext("DirSync entry " + change->dn);
    change->anchor = std::move(anchor).value();
    return Status::Ok();
  }
  if (SameAttribute(description, kInstanceType)) return Status::Ok();
  if (SameAttribute(description, kIsDeleted)) {
    for (const berval& value : values) {
      if (EqualsIgnoreAsciiCase(View(value), "TRUE")) change->deleted = true;
    }
    return Status::Ok();
  }
  if (SameAttribute(description, kObjectClass)) {
    change->new_object = true;
    return Status::Ok();
  }
  if (SameAttribute(description, kName) || SameAttribute(description, kParentGuid)) {
    change->dn_changed = true;
    return Status::Ok();
  }
  const std::string_view type = AttributeType(description);
  if (SameAttribute(type, config.groups.member_attribute)) {
    Result<std::optional<AttributeRange>> range = ParseAttributeRange(description);
    // Incremental values: range=1-1 added, range=0-0 removed. Anything else (the whole
    // attribute, another option) is read from the entry itself.
    if (range.ok() && range->has_value() && (*range)->high.has_value()) {
      const AttributeRange& r = **range;
      if (r.low == 1 && *r.high == 1) {
        AppendMembers(values, *change, &change->members_added, warnings);
        return Status::Ok();
      }
      if (r.low == 0 && *r.high == 0) {
        AppendMembers(values, *change, &change->members_removed, warnings);
        return Status::Ok();
      }
    }
  }
  change->other = true;
  return Status::Ok();
}

}  // namespace pmbridge
