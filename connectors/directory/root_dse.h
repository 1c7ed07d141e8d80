// The root DSE of an Active Directory server: what it says about the domain it holds.
#pragma once

#include <cstdint>
#include <string>

#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"

namespace pmbridge {

// The defaultNamingContext of the server (the DN of its domain, e.g. "DC=clinic,DC=test",
// as the server spells it): the base that DirSync and uSNChanged polling must search from.
// kDirectory when the read fails or the root DSE has no such value (not Active Directory).
Result<std::string> ReadDefaultNamingContext(LdapConnection& connection);

// What a uSNChanged poll needs of the root DSE, read in one base search.
struct RootDse {
  std::string default_naming_context;  // as above
  std::string ds_service_name;         // the DC's nTDSDSA object ("CN=NTDS Settings,...")
  // The DC's update sequence number: every change on this DC takes the next one, and
  // every USN up to this one is committed. Meaningful only on the DC that reported it.
  std::uint64_t highest_committed_usn = 0;
};

// kDirectory when any of the three attributes is missing or the USN is not a decimal
// number: a server that says nothing must not look like an idle one.
Result<RootDse> ReadRootDse(LdapConnection& connection);

// The invocationId of the DC whose nTDSDSA object is `ds_service_name`, as FormatObjectGuid
// text. It names the DC's database: a restore from backup gives it a new one, so a USN is
// only comparable with USNs read under the same invocationId.
Result<std::string> ReadInvocationId(LdapConnection& connection,
                                     const std::string& ds_service_name);

}  // namespace pmbridge
