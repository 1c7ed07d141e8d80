#include "tests/integration/directory/clinic_directory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

namespace pmbridge::testing {

DirectoryConfig ClinicDirectoryConfig(const std::string& url) {
  DirectoryConfig config;
  config.url = url;
  config.flavor = DirectoryFlavor::kOpenLdap;
  config.bind_dn = kServiceBindDn;
  config.timeout = std::chrono::seconds(10);
  config.users.base_dn = "ou=people,dc=clinic,dc=example";
  config.users.filter = "(objectClass=inetOrgPerson)";
  config.users.attributes = {"uid", "entryUUID", "givenName", "sn", "initials", "mail"};
  config.groups.base_dn = "ou=groups,dc=clinic,dc=example";
  config.groups.filter = "(objectClass=groupOfNames)";
  config.groups.member_attribute = "member";
  return config;
}

Result<DirectorySnapshot> ReadClinic(const DirectoryConfig& config, const std::string& password) {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(config, password);
  if (!directory.ok()) return directory.status();
  return (*directory)->ReadSnapshot();
}

const DirectoryUser* FindUser(const DirectorySnapshot& snapshot, const std::string& login) {
  for (const DirectoryUser& user : snapshot.users) {
    if (user.login == login) return &user;
  }
  return nullptr;
}

const DirectoryGroup* FindGroup(const DirectorySnapshot& snapshot, const std::string& dn) {
  for (const DirectoryGroup& group : snapshot.groups) {
    if (group.dn == dn) return &group;
  }
  return nullptr;
}

std::string GeneratedUsersLdif(int count) {
  std::string ldif;
  ldif.reserve(static_cast<std::size_t>(count) * 160);
  char uid[16];
  for (int i = 0; i < count; ++i) {
    std::snprintf(uid, sizeof uid, "gen%05d", i);
    ldif += std::string("dn: uid=") + uid + ",ou=people,dc=clinic,dc=example\n" +
            "objectClass: inetOrgPerson\nuid: " + uid + "\ncn: Generated " + uid + "\nsn: " + uid +
            "\nmail: " + uid + "@clinic.example\n\n";
  }
  return ldif;
}

bool LooksLikeUuid(const std::string& text) {
  static const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  return std::regex_match(text, kUuid);
}

}  // namespace pmbridge::testing
