// Distinguished names (RFC 4514). DNs from the directory and from mappings are compared in
// normal form, so "CN=Front Desk, OU=Groups,DC=clinic" and "cn=front desk,ou=groups,dc=clinic"
// are the same group.
#pragma once

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// Parses `dn` as an RFC 4514 string (also accepting the RFC 2253 forms directories still
// emit: spaces around separators, ';' separators, quoted values) and returns its normal
// form: attribute types lower-cased (OIDs and the "oid." prefix kept as given minus the
// prefix), values unescaped, trimmed of unescaped outer spaces, ASCII case-folded and
// re-escaped with the minimal RFC 4514 escaping; multi-valued RDN parts sorted; RDNs
// joined by ',' with no spaces. "#hex" values are kept as lower-case hex. The empty DN
// normalises to "". A malformed DN is kInvalidInput with a message naming the offset.
Result<std::string> NormalizeDn(std::string_view dn);

// True when normalised `dn` equals normalised `base` or lies below it (RDN-wise, so
// "cn=x,ou=people2,dc=a" is not below "ou=people,dc=a" nor "ople,dc=a").
bool DnIsWithin(std::string_view dn, std::string_view base);

}  // namespace pmbridge
