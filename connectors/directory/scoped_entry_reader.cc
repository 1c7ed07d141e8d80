#include "connectors/directory/scoped_entry_reader.h"

#include <ldap.h>

#include <memory>
#include <optional>
#include <utility>

#include "bridge/dn.h"
#include "connectors/directory/group_entry.h"
#include "connectors/directory/group_reader.h"
#include "connectors/directory/ldap_entry.h"
#include "connectors/directory/user_entry.h"

namespace pmbridge {
namespace {

struct MessageDeleter {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageDeleter>;

// One base-scope search of `base` with `filter`. The entry when it matched, nullptr when it
// did not or the object does not exist (noSuchObject); any other outcome is an error.
Result<MessagePtr> ReadBase(LdapConnection& connection, const std::string& base,
                            const std::string& filter, const std::vector<std::string>& attributes) {
  std::vector<char*> names;
  names.reserve(attributes.size() + 1);
  for (const std::string& a : attributes) names.push_back(const_cast<char*>(a.c_str()));
  names.push_back(nullptr);
  timeval timeout = ToTimeval(connection.timeout());
  LDAPMessage* raw = nullptr;
  const int rc =
      ldap_search_ext_s(connection.handle(), base.c_str(), LDAP_SCOPE_BASE, filter.c_str(),
                        names.data(), 0, nullptr, nullptr, &timeout, 0, &raw);
  MessagePtr result(raw);
  if (rc == LDAP_NO_SUCH_OBJECT) return MessagePtr();
  if (rc != LDAP_SUCCESS) {
    return connection.Failure(rc, "reading " + base + " (base, filter " + filter + ")");
  }
  LDAPMessage* entry = ldap_first_entry(connection.handle(), result.get());
  if (entry == nullptr) return MessagePtr();
  // Keep the whole chain alive; the caller reads its first entry.
  return result;
}

}  // namespace

std::string GuidBase(std::string_view anchor) { return "<GUID=" + std::string(anchor) + ">"; }

Result<ScopedEntry> ReadScopedEntry(LdapConnection& connection, const DirectoryConfig& config,
                                    std::chrono::system_clock::time_point now,
                                    std::string_view base, std::vector<std::string>* warnings) {
  const std::string base_text(base);
  ScopedEntry scoped;

  Result<MessagePtr> as_user =
      ReadBase(connection, base_text, config.users.filter, UserAttributesToRequest(config));
  if (!as_user.ok()) return as_user.status();
  if (*as_user) {
    LdapEntry entry(connection.handle(), ldap_first_entry(connection.handle(), as_user->get()));
    PMB_RETURN_IF_ERROR(entry.status());
    Result<std::string> dn = NormalizeDn(entry.dn());
    if (!dn.ok()) return dn.status();
    if (DnIsWithin(*dn, config.users.base_dn)) {
      Result<DirectoryUser> user = ParseUserEntry(entry, config, now, warnings);
      if (!user.ok()) return user.status();
      scoped.kind = ScopedEntry::Kind::kUser;
      scoped.user = std::move(user).value();
      return scoped;
    }
  }

  Result<MessagePtr> as_group =
      ReadBase(connection, base_text, config.groups.filter, GroupAttributesToRequest(config));
  if (!as_group.ok()) return as_group.status();
  if (*as_group) {
    LdapEntry entry(connection.handle(), ldap_first_entry(connection.handle(), as_group->get()));
    PMB_RETURN_IF_ERROR(entry.status());
    Result<std::string> dn = NormalizeDn(entry.dn());
    if (!dn.ok()) return dn.status();
    if (DnIsWithin(*dn, config.groups.base_dn)) {
      const std::string raw_dn(entry.dn());
      Result<ParsedGroup> parsed = ParseGroupEntry(entry, config, warnings);
      if (!parsed.ok()) return parsed.status();
      if (parsed->more_members) {
        PMB_RETURN_IF_ERROR(CompleteGroupMembers(connection, raw_dn, *parsed->more_members,
                                                 &parsed->group, warnings));
      }
      scoped.kind = ScopedEntry::Kind::kGroup;
      scoped.group = std::move(parsed->group);
      return scoped;
    }
  }
  return scoped;
}

}  // namespace pmbridge
