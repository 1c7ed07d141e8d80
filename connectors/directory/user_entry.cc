#include "connectors/directory/user_entry.h"

#include <optional>
#include <string_view>

#include "bridge/dn.h"
#include "connectors/directory/ad_account_status.h"
#include "connectors/directory/anchor.h"
#include "connectors/directory/attribute_description.h"

namespace pmbridge {
namespace {

// A DirectoryUser field and the directory attribute that fills it.
struct MappedField {
  std::string_view attribute;
  std::string DirectoryUser::*field;
};

}  // namespace

std::vector<std::string> UserAttributesToRequest(const DirectoryConfig& config) {
  const UserAttributeMap& map = config.users.attributes;
  std::vector<std::string> out;
  auto add = [&out](std::string_view attribute) {
    if (attribute.empty()) return;
    for (const std::string& a : out) {
      if (SameAttribute(a, attribute)) return;
    }
    out.emplace_back(attribute);
  };
  for (std::string_view a : {std::string_view(map.anchor), std::string_view(map.login),
                             std::string_view(map.first_name), std::string_view(map.last_name),
                             std::string_view(map.middle_initial), std::string_view(map.email)}) {
    add(a);
  }
  if (config.flavor == DirectoryFlavor::kActiveDirectory) {
    add(kUserAccountControlAttribute);
    add(kAccountExpiresAttribute);
  }
  return out;
}

Result<DirectoryUser> ParseUserEntry(LdapEntry& entry, const DirectoryConfig& config,
                                     std::chrono::system_clock::time_point now,
                                     std::vector<std::string>* warnings) {
  const UserAttributeMap& map = config.users.attributes;
  if (map.anchor.empty()) return Status::InvalidInput("no anchor attribute is configured");
  const bool active_directory = config.flavor == DirectoryFlavor::kActiveDirectory;
  const MappedField fields[] = {
      {map.login, &DirectoryUser::login},
      {map.first_name, &DirectoryUser::first_name},
      {map.last_name, &DirectoryUser::last_name},
      {map.middle_initial, &DirectoryUser::middle_initial},
      {map.email, &DirectoryUser::email},
  };

  Result<std::string> dn = NormalizeDn(entry.dn());
  if (!dn.ok()) {
    return Status::Directory("user entry DN '" + std::string(entry.dn()) +
                             "' cannot be parsed: " + dn.status().message());
  }
  DirectoryUser user;
  user.dn = std::move(dn).value();
  // Views into the entry's message, valid while `entry` lives.
  std::optional<std::string_view> account_control;
  std::optional<std::string_view> account_expires;
  Status status = entry.ForEachAttribute(
      [&](std::string_view description, std::span<const berval> values) -> Status {
        if (values.empty()) return Status::Ok();
        const std::string_view first = View(values[0]);
        if (SameAttribute(description, map.anchor)) {
          Result<std::string> anchor = AnchorFromValue(map.anchor, first);
          if (!anchor.ok()) return anchor.status().WithContext("user " + user.dn);
          user.anchor = std::move(anchor).value();
        }
        for (const MappedField& f : fields) {
          if (!f.attribute.empty() && SameAttribute(description, f.attribute)) {
            user.*f.field = first;
          }
        }
        if (values.size() > 1 && SameAttribute(description, map.login)) {
          warnings->push_back("user " + user.dn + " has " + std::to_string(values.size()) + " " +
                              map.login + " values; using the first, '" + std::string(first) + "'");
        }
        if (active_directory) {
          if (SameAttribute(description, kUserAccountControlAttribute)) account_control = first;
          if (SameAttribute(description, kAccountExpiresAttribute)) account_expires = first;
        }
        return Status::Ok();
      });
  if (!status.ok()) return status;
  if (user.anchor.empty()) {
    return Status::Directory(
        "user " + user.dn + " has no " + map.anchor + " value (the anchor) at " + config.url +
        "; the bind account may not be allowed to read it (check the directory's access "
        "rules). The read is refused: without its anchor this person would look like a "
        "departure");
  }
  if (active_directory) {
    Result<std::string> reason =
        ActiveDirectoryDisabledReason(account_control, account_expires, now);
    if (!reason.ok()) return reason.status().WithContext("user " + user.dn);
    user.directory_disabled_reason = std::move(reason).value();
    if (std::optional<std::chrono::system_clock::time_point> expiry =
            ActiveDirectoryExpiry(account_control, account_expires, now)) {
      user.expires_at = *expiry;
    }
  }
  return user;
}

}  // namespace pmbridge
