// Paging: every page is read, and a server limit fails the read instead of shortening it.
// The fixture's sizelimit is 500; the pmbridge account may page past it, other service
// accounts may not (tests/fixtures/slapd.sh, "Size limits").
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/directory/clinic_directory.h"

namespace pmbridge::testing {
namespace {

constexpr int kGenerated = 1200;
constexpr std::size_t kAllUsers = 8 + kGenerated;

class LdapPagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("generated.ldif"), GeneratedUsersLdif(kGenerated) + BigGroupLdif());
    server_ = SlapdServer::Start({ClinicLdif(), dir_.File("generated.ldif")});
  }

  // One group holding every generated user: a member attribute far larger than a page.
  static std::string BigGroupLdif() {
    std::string ldif =
        "dn: cn=everyone-generated,ou=groups,dc=clinic,dc=example\n"
        "objectClass: groupOfNames\ncn: everyone-generated\n";
    char line[80];
    for (int i = 0; i < kGenerated; ++i) {
      std::snprintf(line, sizeof line, "member: uid=gen%05d,ou=people,dc=clinic,dc=example\n", i);
      ldif += line;
    }
    return ldif + "\n";
  }

  DirectoryConfig Config(int page_size) const {
    DirectoryConfig config = ClinicDirectoryConfig(server_->url());
    config.page_size = page_size;
    return config;
  }

  TempDir dir_;
  std::unique_ptr<SlapdServer> server_;
};

void ExpectEveryUser(const DirectorySnapshot& snapshot) {
  ASSERT_EQ(snapshot.users.size(), kAllUsers);
  std::set<std::string> anchors, logins;
  for (const DirectoryUser& user : snapshot.users) {
    anchors.insert(user.anchor);
    logins.insert(user.login);
  }
  EXPECT_EQ(anchors.size(), kAllUsers);
  EXPECT_EQ(logins.size(), kAllUsers);
  EXPECT_TRUE(logins.count("gen00000") && logins.count("gen01199") && logins.count("alice"));
}

TEST_F(LdapPagingTest, SmallPagesReturnEveryUserAndMember) {
  Result<DirectorySnapshot> snapshot = ReadClinic(Config(7));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ExpectEveryUser(*snapshot);
  ASSERT_EQ(snapshot->groups.size(), 7u);
  const DirectoryGroup* big =
      FindGroup(*snapshot, "cn=everyone-generated,ou=groups,dc=clinic,dc=example");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->members.size(), static_cast<std::size_t>(kGenerated));
  // slapd ran one search operation per page of 7 users.
  const std::string log = server_->Log();
  const std::string search = "SRCH base=\"ou=people,dc=clinic,dc=example\"";
  std::size_t searches = 0;
  for (std::size_t at = log.find(search); at != std::string::npos; at = log.find(search, at + 1)) {
    ++searches;
  }
  EXPECT_EQ(searches, (kAllUsers + 6) / 7);
}

TEST_F(LdapPagingTest, PageLargerThanTheServerSizeLimitStillReadsEverything) {
  Result<DirectorySnapshot> snapshot = ReadClinic(Config(5000));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ExpectEveryUser(*snapshot);
}

class LdapLimitedAccountTest : public LdapPagingTest {
 protected:
  void SetUp() override {
    LdapPagingTest::SetUp();
    // A service account with slapd's default limits: pages may add up to 500 entries.
    server_->Add(
        "dn: cn=limited,ou=services,dc=clinic,dc=example\n"
        "objectClass: applicationProcess\nobjectClass: simpleSecurityObject\n"
        "cn: limited\nuserPassword: limited-secret\n");
  }

  Result<DirectorySnapshot> ReadAsLimited(int page_size) {
    DirectoryConfig config = Config(page_size);
    config.bind_dn = "cn=limited,ou=services,dc=clinic,dc=example";
    return ReadClinic(config, "limited-secret");
  }
};

TEST_F(LdapLimitedAccountTest, SizeLimitAcrossPagesFailsInsteadOfTruncating) {
  Result<DirectorySnapshot> snapshot = ReadAsLimited(100);
  ASSERT_FALSE(snapshot.ok()) << "read " << snapshot->users.size() << " users";
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("Size limit exceeded"), std::string::npos)
      << snapshot.status().message();
  EXPECT_NE(snapshot.status().message().find("ou=people,dc=clinic,dc=example"), std::string::npos);
  EXPECT_NE(snapshot.status().message().find(server_->url()), std::string::npos);
}

TEST_F(LdapLimitedAccountTest, SizeLimitWithinOnePageFailsInsteadOfTruncating) {
  Result<DirectorySnapshot> snapshot = ReadAsLimited(5000);
  ASSERT_FALSE(snapshot.ok()) << "read " << snapshot->users.size() << " users";
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("Size limit exceeded"), std::string::npos)
      << snapshot.status().message();
}

TEST_F(LdapLimitedAccountTest, UnderTheLimitTheSameAccountReads) {
  DirectoryConfig config = Config(100);
  config.bind_dn = "cn=limited,ou=services,dc=clinic,dc=example";
  config.users.filter = "(&(objectClass=inetOrgPerson)(!(uid=gen*)))";
  Result<DirectorySnapshot> snapshot = ReadClinic(config, "limited-secret");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->users.size(), 8u);
}

}  // namespace
}  // namespace pmbridge::testing
