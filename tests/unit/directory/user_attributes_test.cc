#include <gtest/gtest.h>

#include "connectors/directory/user_reader.h"

namespace pmbridge {
namespace {

DirectoryConfig OpenLdapConfig() {
  DirectoryConfig config;
  config.users.attributes = {"uid", "entryUUID", "givenName", "sn", "initials", "mail"};
  return config;
}

TEST(UserAttributesToRequestTest, ExactlyTheMappedAttributesAnchorFirst) {
  EXPECT_EQ(UserAttributesToRequest(OpenLdapConfig()),
            (std::vector<std::string>{"entryUUID", "uid", "givenName", "sn", "initials", "mail"}));
}

TEST(UserAttributesToRequestTest, SkipsUnmappedAndDuplicateAttributes) {
  DirectoryConfig config = OpenLdapConfig();
  config.users.attributes.middle_initial.clear();
  config.users.attributes.email = "UID";  // the same attribute as the login
  EXPECT_EQ(UserAttributesToRequest(config),
            (std::vector<std::string>{"entryUUID", "uid", "givenName", "sn"}));
}

TEST(UserAttributesToRequestTest, ActiveDirectoryAddsAccountStatus) {
  DirectoryConfig config;
  config.flavor = DirectoryFlavor::kActiveDirectory;
  config.users.attributes = {"sAMAccountName", "objectGUID", "givenName", "sn", "initials", "mail"};
  EXPECT_EQ(UserAttributesToRequest(config),
            (std::vector<std::string>{"objectGUID", "sAMAccountName", "givenName", "sn", "initials",
                                      "mail", "userAccountControl", "accountExpires"}));
}

}  // namespace
}  // namespace pmbridge
