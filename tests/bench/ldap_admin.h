// The benchmark's own LDAP connections: a bound session for the consumer and for the
// directory administrator who deletes people. Failures throw: a benchmark that cannot
// reach its server has nothing to measure.
#pragma once

#include <ldap.h>

#include <memory>
#include <string>

namespace pmbridge::bench {

// The sample clinic's credentials (tests/fixtures/slapd.sh, test data, not secrets).
inline constexpr const char* kRootDn = "cn=admin,dc=clinic,dc=example";
inline constexpr const char* kRootPassword = "admin-secret";
inline constexpr const char* kServiceDn = "cn=pmbridge,ou=services,dc=clinic,dc=example";
inline constexpr const char* kServicePassword = "pmbridge-demo-secret";
inline constexpr const char* kPeopleBase = "ou=people,dc=clinic,dc=example";

struct LdapUnbind {
  void operator()(LDAP* ld) const;
};
using LdapSession = std::unique_ptr<LDAP, LdapUnbind>;

// Connects to `url` (LDAPv3) and binds simply as `dn`. Throws std::runtime_error.
LdapSession Bind(const std::string& url, const std::string& dn, const std::string& password);

// Deletes `dn` and waits for the server's answer. Throws std::runtime_error.
void DeleteEntry(LDAP* ld, const std::string& dn);

}  // namespace pmbridge::bench
