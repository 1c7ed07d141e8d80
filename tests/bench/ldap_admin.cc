#include "tests/bench/ldap_admin.h"

#include <stdexcept>

namespace pmbridge::bench {

void LdapUnbind::operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }

LdapSession Bind(const std::string& url, const std::string& dn, const std::string& password) {
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, url.c_str());
  if (rc != LDAP_SUCCESS) {
    throw std::runtime_error("ldap_initialize(" + url + "): " + ldap_err2string(rc));
  }
  LdapSession ld(raw);
  const int version = LDAP_VERSION3;
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  berval secret{password.size(), const_cast<char*>(password.data())};
  rc = ldap_sasl_bind_s(ld.get(), dn.c_str(), LDAP_SASL_SIMPLE, &secret, nullptr, nullptr, nullptr);
  if (rc != LDAP_SUCCESS) {
    throw std::runtime_error("bind as " + dn + " to " + url + ": " + ldap_err2string(rc));
  }
  return ld;
}

void DeleteEntry(LDAP* ld, const std::string& dn) {
  const int rc = ldap_delete_ext_s(ld, dn.c_str(), nullptr, nullptr);
  if (rc != LDAP_SUCCESS) throw std::runtime_error("delete " + dn + ": " + ldap_err2string(rc));
}

}  // namespace pmbridge::bench
