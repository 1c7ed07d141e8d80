// A search result entry read in place: the DN, attribute descriptions and values point into
// the LDAPMessage (nothing is copied) and stay valid while that message lives.
#pragma once

#include <ldap.h>

#include <functional>
#include <span>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

inline std::string_view View(const berval& value) {
  return {value.bv_val, static_cast<std::size_t>(value.bv_len)};
}

class LdapEntry {
 public:
  using AttributeVisitor =
      std::function<Status(std::string_view description, std::span<const berval> values)>;

  // Decodes the DN of `message`, an LDAP_RES_SEARCH_ENTRY of `ld`.
  LdapEntry(LDAP* ld, LDAPMessage* message);
  ~LdapEntry();
  LdapEntry(const LdapEntry&) = delete;
  LdapEntry& operator=(const LdapEntry&) = delete;

  // OK unless the entry could not be decoded; dn() is empty then.
  const Status& status() const { return status_; }
  // The DN as the server sent it (not normalised).
  std::string_view dn() const { return dn_; }

  // Calls `visit` for each attribute in the server's order, with its values (binary safe,
  // not NUL-terminated); stops at and returns the first non-OK Status. Call at most once.
  Status ForEachAttribute(const AttributeVisitor& visit);

 private:
  LDAP* ld_;
  LDAPMessage* message_;
  BerElement* ber_ = nullptr;
  std::string_view dn_;
  Status status_;
};

}  // namespace pmbridge
