// One DirSync round (the Active Directory DirSync control, MS-ADTS 3.1.1.3.4.1.3) with
// incremental values: from a cookie to the end of what the server has, following the
// control's own "more data" flag (DirSync cannot be combined with paged results).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/paged_search.h"

namespace pmbridge {

struct DirsyncRequest {
  std::string base;  // a naming context root (the server refuses anything else)
  std::string filter;
  std::vector<std::string> attributes;  // exactly these; the server adds objectGUID
};

// Runs `request` from `cookie` ("" : from the beginning) until the server says it has no
// more, calling `on_entry` for each entry, and returns the cookie of the end. Any failure
// is an error and no cookie is returned: the caller keeps the one it had. Failures:
//   - the server rejects the non-empty `cookie` (unavailableCriticalExtension on the first
//     request): kInvalidInput, so the caller starts from nothing;
//   - insufficientAccessRights: kDirectory naming the right DirSync needs;
//   - any other result code, a referral, a result without the DirSync response control,
//     no message within the connection's timeout: kDirectory.
// Search continuation references (other naming contexts below the base) are skipped: the
// round covers this naming context only.
Result<std::string> RunDirsync(LdapConnection& connection, const DirsyncRequest& request,
                               std::string_view cookie, const EntryHandler& on_entry);

}  // namespace pmbridge
