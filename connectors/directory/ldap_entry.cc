#include "connectors/directory/ldap_entry.h"

#include <string>

namespace pmbridge {

LdapEntry::LdapEntry(LDAP* ld, LDAPMessage* message) : ld_(ld), message_(message) {
  berval dn{};
  if (ldap_get_dn_ber(ld, message, &ber_, &dn) != LDAP_SUCCESS) {
    status_ = Status::Directory("cannot decode a search result entry");
    return;
  }
  dn_ = View(dn);
}

LdapEntry::~LdapEntry() {
  // The BerElement shares the message's buffer: free the element only (freebuf = 0).
  if (ber_ != nullptr) ber_free(ber_, 0);
}

Status LdapEntry::ForEachAttribute(const AttributeVisitor& visit) {
  if (!status_.ok()) return status_;
  if (ber_ == nullptr) return Status::Internal("LdapEntry::ForEachAttribute called twice");
  Status result;
  while (result.ok()) {
    berval description{};
    berval* values = nullptr;  // an array pointing into the message; the array is ours
    if (ldap_get_attribute_ber(ld_, message_, ber_, &description, &values) != LDAP_SUCCESS) {
      result = Status::Directory("cannot decode the attributes of " + std::string(dn_));
      break;
    }
    if (description.bv_val == nullptr) break;  // no more attributes
    std::size_t count = 0;
    if (values != nullptr) {
      while (values[count].bv_val != nullptr) ++count;
    }
    result = visit(View(description), std::span<const berval>(values, count));
    if (values != nullptr) ber_memfree(values);
  }
  ber_free(ber_, 0);
  ber_ = nullptr;
  return result;
}

}  // namespace pmbridge
