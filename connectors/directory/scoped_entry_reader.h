// Reading one object a change stream named (Active Directory DirSync, uSNChanged polling),
// as the snapshot read would see it: a user in scope, a group in scope, or neither. Those
// streams report changes across the whole naming context, with only the attributes that
// changed; whether the object is in scope, and what it holds now, is asked of the server.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

struct ScopedEntry {
  enum class Kind { kUser, kGroup, kOutOfScope };
  Kind kind = Kind::kOutOfScope;
  DirectoryUser user;    // kUser
  DirectoryGroup group;  // kGroup, its member list complete (ranged retrieval followed)
};

// Reads the object at `base` — a DN, or Active Directory's "<GUID=...>" form, which finds
// the object wherever it now is — with base-scope searches: a user when its DN is within
// users.base_dn and it matches users.filter, else a group when within groups.base_dn and
// matching groups.filter, else kOutOfScope. An object that no longer exists
// (noSuchObject) is kOutOfScope. Any other failure is an error. `now` decides whether an
// Active Directory accountExpires lies in the past.
Result<ScopedEntry> ReadScopedEntry(LdapConnection& connection, const DirectoryConfig& config,
                                    std::chrono::system_clock::time_point now,
                                    std::string_view base, std::vector<std::string>* warnings);

// The search base that names the object with objectGUID `anchor` (canonical text, as
// FormatObjectGuid gives it): "<GUID=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx>".
std::string GuidBase(std::string_view anchor);

}  // namespace pmbridge
