// Searches that either return every matching entry or fail: RFC 2696 paged results, each
// entry handed to the caller as it arrives (no result set is held in memory).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/status.h"
#include "connectors/directory/ldap_connection.h"
#include "connectors/directory/ldap_entry.h"
#include "connectors/directory/search_operation.h"

namespace pmbridge {

struct SearchRequest {
  std::string base;
  int scope = LDAP_SCOPE_SUBTREE;
  std::string filter = "(objectClass=*)";
  std::vector<std::string> attributes;  // exactly these; empty asks for none ("1.1")
  int page_size = 0;                    // > 0: paged (RFC 2696); 0: one plain search
  // OIDs of further server controls that carry no value (Active Directory's Show Deleted,
  // Domain Scope), sent with every page and marked critical: a server that ignores one
  // must refuse rather than answer a different question.
  std::vector<std::string> controls;
  // Called after each page's request has gone out, while the server reads that page:
  // the entries of every page before it have all been handed over.
  std::function<void()> on_page_sent;

  // "base ou=people,dc=x (subtree, filter (uid=*))" for messages.
  std::string Describe() const;
};

// The controls a subtree search of this directory sends: Active Directory's Domain Scope,
// so that a base at the domain root is not answered with a continuation reference to the
// configuration partition (which PagedSearch must treat as an incomplete read); none for
// OpenLDAP.
std::vector<std::string> SubtreeSearchControls(const DirectoryConfig& config);

// Runs `request` on `connection` until the server has returned every page, calling
// `on_entry` for each entry. Fails, never stops short, on: any result code other than
// success (sizeLimitExceeded, timeLimitExceeded, adminLimitExceeded included), a referral
// or search continuation reference, a partial result, a paged search whose result lacks
// the paged results response control, no message within the connection's timeout.
Status PagedSearch(LdapConnection& connection, const SearchRequest& request,
                   const EntryHandler& on_entry);

}  // namespace pmbridge
