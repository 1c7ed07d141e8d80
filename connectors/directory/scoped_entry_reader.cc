#include "connectors/directory/scoped_entry_reader.h"

#include <ldap.h>

#include <memory>
#include <optional>
#include <utility>

#include "bridge/dn.h"
#include "connectors/directory/group_entry.h"
#include "connectors/directory/group_reader.h"
#include "connectors/directory/ldap_entry.h"
#include "connectors/directory/search_operation.h"
#include "connectors/directory/user_entry.h"

namespace pmbridge {
std::string GuidBase(std::string_view anchor) { return "<GUID=" + std::string(anchor) + ">"; }

Result<ScopedEntry> ReadScopedEntry(LdapConnection& connection, const DirectoryConfig& config,
                                    std::chrono::system_clock::time_point now,
                                    std::string_view base, std::vector<std::string>* warnings) {
  const std::string base_text(base);
  ScopedEntry scoped;

  Status as_user = ReadObject(connection, base_text, config.users.filter,
                              UserAttributesToRequest(config), [&](LdapEntry& entry) -> Status {
                                Result<std::string> dn = NormalizeDn(entry.dn());
                                if (!dn.ok()) return dn.status();
                                if (!DnIsWithin(*dn, config.users.base_dn)) return Status::Ok();
                                Result<DirectoryUser> user =
                                    ParseUserEntry(entry, config, now, warnings);
                                if (!user.ok()) return user.status();
                                scoped.kind = ScopedEntry::Kind::kUser;
                                scoped.user = std::move(user).value();
                                return Status::Ok();
                              });
  if (!as_user.ok()) return as_user;
  if (scoped.kind == ScopedEntry::Kind::kUser) return scoped;

  // Members past the first slice are fetched once this search has finished, so that only
  // one operation is in flight.
  std::string raw_dn;
  std::optional<ParsedGroup::MoreMembers> more_members;
  Status as_group = ReadObject(connection, base_text, config.groups.filter,
                               GroupAttributesToRequest(config), [&](LdapEntry& entry) -> Status {
                                 Result<std::string> dn = NormalizeDn(entry.dn());
                                 if (!dn.ok()) return dn.status();
                                 if (!DnIsWithin(*dn, config.groups.base_dn)) return Status::Ok();
                                 raw_dn = std::string(entry.dn());
                                 Result<ParsedGroup> parsed =
                                     ParseGroupEntry(entry, config, warnings);
                                 if (!parsed.ok()) return parsed.status();
                                 more_members = std::move(parsed->more_members);
                                 scoped.kind = ScopedEntry::Kind::kGroup;
                                 scoped.group = std::move(parsed->group);
                                 return Status::Ok();
                               });
  if (!as_group.ok()) return as_group;
  if (scoped.kind == ScopedEntry::Kind::kGroup && more_members) {
    PMB_RETURN_IF_ERROR(
        CompleteGroupMembers(connection, raw_dn, *more_members, &scoped.group, warnings));
  }
  return scoped;
}

}  // namespace pmbridge
