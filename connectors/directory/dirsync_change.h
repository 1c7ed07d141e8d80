// What one DirSync entry says changed. With LDAP_DIRSYNC_INCREMENTAL_VALUES, Active
// Directory (Samba measured) sends an object once per round with only the requested
// attributes that changed, plus objectGUID and instanceType:
//   - a deleted object: its tombstone under CN=Deleted Objects with isDeleted: TRUE;
//   - member values added as "member;range=1-1", removed as "member;range=0-0";
//   - a rename or move: name and parentGUID (the entry's DN is the new one);
//   - a new object: every requested attribute it has, objectClass included.
#pragma once

#include <ldap.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/status.h"

namespace pmbridge {

struct DirsyncChange {
  std::string dn;      // the entry's DN as the server sent it
  std::string anchor;  // FormatObjectGuid of objectGUID
  bool deleted = false;
  // objectClass was sent: a new object (or, rarely, an auxiliary class added).
  bool new_object = false;
  // name or parentGUID was sent: created, renamed, moved or restored. The groups that list
  // the object follow it without a change of their own.
  bool dn_changed = false;
  // Some other requested attribute was sent (or member values in a form not incremental).
  bool other = false;
  // Member values (normal form) added and removed.
  std::vector<std::string> members_added;
  std::vector<std::string> members_removed;

  // True when only member values changed: the group's other attributes and DN stand.
  bool MembersOnly() const { return !deleted && !new_object && !dn_changed && !other; }
};

// Folds one attribute of a DirSync entry into `change` (whose dn is set). The anchor
// attribute is config.users.attributes.anchor, the member attribute
// config.groups.member_attribute. A member value that is not a DN (after an extended-DN
// prefix "<GUID=...>;<SID=...>;" is taken off) is skipped with a warning. Fails on an
// anchor value that is not a GUID.
Status AddDirsyncAttribute(std::string_view description, std::span<const berval> values,
                           const DirectoryConfig& config, DirsyncChange* change,
                           std::vector<std::string>* warnings);

// `value` without the "<GUID=...>;<SID=...>;" prefix of an extended DN (MS-ADTS 3.1.1.3.4.1.5);
// `value` itself when it has none (a DN never starts with an unescaped '<').
std::string_view StripExtendedDn(std::string_view value);

}  // namespace pmbridge
