// Reading the sample clinic: users with their mapped attributes, groups with member DNs in
// normal form, and the entries that must fail a read rather than shorten it.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "bridge/ldap_filter.h"
#include "tests/integration/directory/clinic_directory.h"

namespace pmbridge::testing {
namespace {

class LdapSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = SlapdServer::Start({ClinicLdif()}); }

  DirectoryConfig Config() const { return ClinicDirectoryConfig(server_->url()); }

  std::unique_ptr<SlapdServer> server_;
};

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(LdapSnapshotTest, ReadsTheClinicUsers) {
  Result<DirectorySnapshot> snapshot = ReadClinic(Config());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(snapshot->users.size(), 8u);
  EXPECT_TRUE(snapshot->warnings.empty()) << snapshot->warnings.front();

  const DirectoryUser* alice = FindUser(*snapshot, "alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->dn, "uid=alice,ou=people,dc=clinic,dc=example");
  EXPECT_EQ(alice->first_name, "Alice");
  EXPECT_EQ(alice->middle_initial, "M");
  EXPECT_EQ(alice->last_name, "Anders");
  EXPECT_EQ(alice->email, "alice@clinic.example");
  EXPECT_EQ(alice->directory_disabled_reason, "");

  const DirectoryUser* bob = FindUser(*snapshot, "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->first_name, "Bob");
  EXPECT_EQ(bob->middle_initial, "");  // no initials attribute
  EXPECT_EQ(bob->last_name, "Brown");

  std::set<std::string> logins, anchors;
  for (const DirectoryUser& user : snapshot->users) {
    logins.insert(user.login);
    EXPECT_TRUE(LooksLikeUuid(user.anchor)) << user.dn << ": " << user.anchor;
    anchors.insert(user.anchor);
  }
  EXPECT_EQ(logins, (std::set<std::string>{"alice", "hank", "bob", "carol", "dave", "erin", "frank",
                                           "grace"}));
  EXPECT_EQ(anchors.size(), 8u);
}

TEST_F(LdapSnapshotTest, ReadsTheClinicGroupsWithNormalisedMembers) {
  Result<DirectorySnapshot> snapshot = ReadClinic(Config());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(snapshot->groups.size(), 6u);

  auto members = [&](const std::string& cn) {
    const DirectoryGroup* group =
        FindGroup(*snapshot, "cn=" + cn + ",ou=groups,dc=clinic,dc=example");
    EXPECT_NE(group, nullptr) << cn;
    return group == nullptr ? std::vector<std::string>{} : Sorted(group->members);
  };
  const std::string people = ",ou=people,dc=clinic,dc=example";
  EXPECT_EQ(members("pm-front-desk"),
            Sorted({"uid=bob" + people, "uid=erin" + people,
                    "cn=front-desk-temps,ou=groups,dc=clinic,dc=example"}));
  EXPECT_EQ(members("front-desk-temps"), Sorted({"uid=dave" + people}));
  // Written "uid=Grace, ou=People, dc=clinic, dc=example" in the directory.
  EXPECT_EQ(members("pm-billing"), Sorted({"uid=carol" + people, "uid=grace" + people}));
  EXPECT_EQ(members("pm-nurses"), Sorted({"uid=erin" + people}));
  EXPECT_EQ(members("pm-admins"), Sorted({"uid=alice" + people, "uid=hank" + people}));
  EXPECT_EQ(members("staff-social"), Sorted({"uid=bob" + people, "uid=frank" + people}));

  // Every group carries its entryUUID, as users do.
  std::set<std::string> anchors;
  for (const DirectoryGroup& group : snapshot->groups) {
    EXPECT_TRUE(LooksLikeUuid(group.anchor)) << group.dn << ": " << group.anchor;
    anchors.insert(group.anchor);
  }
  EXPECT_EQ(anchors.size(), 6u);
}

TEST_F(LdapSnapshotTest, GroupWithoutAnchorFailsTheWholeRead) {
  // Every person has the anchor attribute, the groups do not.
  std::string ldif;
  int number = 1000;
  for (const char* uid : {"alice", "hank", "bob", "carol", "dave", "erin", "frank", "grace"}) {
    ldif += std::string("dn: uid=") + uid +
            ",ou=people,dc=clinic,dc=example\nchangetype: modify\nadd: employeeNumber\n"
            "employeeNumber: " +
            std::to_string(++number) + "\n\n";
  }
  server_->Modify(ldif);
  DirectoryConfig config = Config();
  config.users.attributes.anchor = "employeeNumber";
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(
      snapshot.status().message().find("group cn=pm-front-desk,ou=groups,dc=clinic,dc=example "
                                       "has no employeeNumber value"),
      std::string::npos)
      << snapshot.status().message();
}

TEST_F(LdapSnapshotTest, ConnectIsIdempotentAndReadsRepeat) {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(Config(), kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE((*directory)->Connect().ok());
  ASSERT_TRUE((*directory)->Connect().ok());
  for (int i = 0; i < 2; ++i) {
    Result<DirectorySnapshot> snapshot = (*directory)->ReadSnapshot();
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    EXPECT_EQ(snapshot->users.size(), 8u);
    EXPECT_EQ(snapshot->groups.size(), 6u);
  }
}

// A reconcile takes the groups as soon as they are read, to index them while the users
// come in: the same groups as a plain read, handed over once, and none left in the snapshot.
TEST_F(LdapSnapshotTest, GroupsAreHandedOverBeforeTheUsersAreRead) {
  Result<DirectorySnapshot> plain = ReadClinic(Config());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(Config(), kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();

  std::vector<std::vector<DirectoryGroup>> handed;
  Result<DirectorySnapshot> snapshot =
      (*directory)
          ->ReadSnapshotHandingOver({[&handed](std::vector<DirectoryGroup> groups) {
                                       handed.push_back(std::move(groups));
                                     },
                                     {}});
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->users.size(), 8u);
  EXPECT_TRUE(snapshot->groups.empty());
  ASSERT_EQ(handed.size(), 1u);
  ASSERT_EQ(handed[0].size(), plain->groups.size());
  for (const DirectoryGroup& group : handed[0]) {
    const DirectoryGroup* same = FindGroup(*plain, group.dn);
    ASSERT_NE(same, nullptr) << group.dn;
    EXPECT_EQ(group.anchor, same->anchor);
    EXPECT_EQ(Sorted(group.members), Sorted(same->members)) << group.dn;
  }
}

// A reconcile resolves the users as each page of them is in: it is shown the users read
// so far after each page's request has gone out, and told before they move.
TEST_F(LdapSnapshotTest, UsersAreShownAfterEachPageAndBeforeTheyMove) {
  DirectoryConfig config = Config();
  config.page_size = 3;
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(config, kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  for (int read = 0; read < 2; ++read) {
    SCOPED_TRACE("read " + std::to_string(read + 1));
    std::vector<std::size_t> shown;  // the users' count at each kMore
    int moves = 0;
    const DirectoryUser* at = nullptr;
    DirectorySource::ReadHandoffs handoffs;
    handoffs.take_groups = [](std::vector<DirectoryGroup>) {};
    handoffs.watch_users = [&](const std::vector<DirectoryUser>& users,
                               DirectorySource::UsersEvent event) {
      if (event == DirectorySource::UsersEvent::kMoving) {
        ++moves;
        at = nullptr;
        return;
      }
      // Between two kMoving, the users shown stay where they were.
      if (at != nullptr && !users.empty()) {
        EXPECT_EQ(users.data(), at);
      }
      if (!users.empty()) at = users.data();
      shown.push_back(users.size());
    };
    Result<DirectorySnapshot> snapshot = (*directory)->ReadSnapshotHandingOver(handoffs);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    ASSERT_EQ(snapshot->users.size(), 8u);
    // Pages of 3: shown before the first page, after the first and the second.
    EXPECT_EQ(shown, (std::vector<std::size_t>{0, 3, 6}));
    // A later read reserves room for as many users as the last: nothing moves.
    if (read == 1) {
      EXPECT_EQ(moves, 0);
    }
  }
}

// The groups come first: a users read that fails after them still fails the whole read.
TEST_F(LdapSnapshotTest, AUsersReadFailingAfterTheGroupsHandedOverFailsTheRead) {
  DirectoryConfig config = Config();
  config.users.base_dn = "ou=nobody,dc=clinic,dc=example";
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(config, kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  int handed = 0;
  Result<DirectorySnapshot> snapshot =
      (*directory)
          ->ReadSnapshotHandingOver({[&handed](std::vector<DirectoryGroup>) { ++handed; }, {}});
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("No such object"), std::string::npos)
      << snapshot.status().message();
  EXPECT_EQ(handed, 1);
}

TEST_F(LdapSnapshotTest, EntryWithoutLoginIsKeptWithEmptyLogin) {
  server_->Add(
      "dn: cn=Temp Worker,ou=people,dc=clinic,dc=example\n"
      "objectClass: inetOrgPerson\ncn: Temp Worker\nsn: Worker\n");
  Result<DirectorySnapshot> snapshot = ReadClinic(Config());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(snapshot->users.size(), 9u);
  const DirectoryUser* temp = FindUser(*snapshot, "");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(temp->dn, "cn=temp worker,ou=people,dc=clinic,dc=example");
  EXPECT_EQ(temp->last_name, "Worker");
  EXPECT_TRUE(LooksLikeUuid(temp->anchor));
}

TEST_F(LdapSnapshotTest, EntryWithoutAnchorFailsTheWholeRead) {
  // As if an ACL hid the anchor of everyone but alice; the groups, read first, have theirs.
  std::string ldif =
      "dn: uid=alice,ou=people,dc=clinic,dc=example\nchangetype: modify\n"
      "add: description\ndescription: 1001\n\n";
  int number = 2000;
  for (const char* cn : {"pm-front-desk", "front-desk-temps", "pm-billing", "pm-nurses",
                         "pm-admins", "staff-social"}) {
    ldif += std::string("dn: cn=") + cn +
            ",ou=groups,dc=clinic,dc=example\nchangetype: modify\nadd: description\n"
            "description: " +
            std::to_string(++number) + "\n\n";
  }
  server_->Modify(ldif);
  DirectoryConfig config = Config();
  config.users.attributes.anchor = "description";
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("no description value"), std::string::npos)
      << snapshot.status().message();
  EXPECT_NE(snapshot.status().message().find(",ou=people,dc=clinic,dc=example"), std::string::npos)
      << snapshot.status().message();
}

TEST_F(LdapSnapshotTest, FilterWithEscapedValueSelectsExactlyThatUser) {
  server_->Add(
      "dn: uid=obrien,ou=people,dc=clinic,dc=example\n"
      "objectClass: inetOrgPerson\nuid: obrien\ncn: Pat O(Brien)*\nsn: O(Brien)*\n");
  DirectoryConfig config = Config();
  config.users.filter = "(&(objectClass=inetOrgPerson)(sn=" + EscapeFilterValue("O(Brien)*") + "))";
  ASSERT_EQ(config.users.filter, "(&(objectClass=inetOrgPerson)(sn=O\\28Brien\\29\\2a))");
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(snapshot->users.size(), 1u);
  EXPECT_EQ(snapshot->users[0].login, "obrien");
  EXPECT_EQ(snapshot->users[0].last_name, "O(Brien)*");
}

TEST_F(LdapSnapshotTest, MemberValueThatIsNotADnIsSkippedWithAWarning) {
  // slapd checks member values are DNs, so use a free-text attribute as the member list.
  server_->Add(
      "dn: cn=odd,ou=groups,dc=clinic,dc=example\n"
      "objectClass: groupOfNames\ncn: odd\nmember: uid=bob,ou=people,dc=clinic,dc=example\n"
      "description: UID=Bob,OU=People,DC=clinic,DC=example\ndescription: not a dn\n");
  DirectoryConfig config = Config();
  config.groups.member_attribute = "description";
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  const DirectoryGroup* odd = FindGroup(*snapshot, "cn=odd,ou=groups,dc=clinic,dc=example");
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ(odd->members, (std::vector<std::string>{"uid=bob,ou=people,dc=clinic,dc=example"}));
  ASSERT_EQ(snapshot->warnings.size(), 1u);
  EXPECT_NE(snapshot->warnings[0].find("'not a dn'"), std::string::npos) << snapshot->warnings[0];
  EXPECT_NE(snapshot->warnings[0].find("cn=odd,ou=groups,dc=clinic,dc=example"), std::string::npos);
}

TEST_F(LdapSnapshotTest, MissingBaseFailsTheRead) {
  DirectoryConfig config = Config();
  config.users.base_dn = "ou=nobody,dc=clinic,dc=example";
  Result<DirectorySnapshot> snapshot = ReadClinic(config);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find("No such object"), std::string::npos)
      << snapshot.status().message();
  EXPECT_NE(snapshot.status().message().find("ou=nobody,dc=clinic,dc=example"), std::string::npos);
}

TEST_F(LdapSnapshotTest, AnonymousBindSeesNothingAndFails) {
  // The fixture lets anonymous only bind: the base is hidden, and an empty directory must
  // not be mistaken for everyone leaving.
  DirectoryConfig config = Config();
  config.bind_dn.clear();
  Result<DirectorySnapshot> snapshot = ReadClinic(config, "");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
}

TEST_F(LdapSnapshotTest, ReadAfterServerRestartReconnects) {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(Config(), kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE((*directory)->ReadSnapshot().ok());
  server_->Restart();
  signal(SIGPIPE, SIG_DFL);  // the old connection is dead: writing to it raises SIGPIPE
  Result<DirectorySnapshot> snapshot = (*directory)->ReadSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->users.size(), 8u);
}

TEST_F(LdapSnapshotTest, ReadAfterServerStopFails) {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectory(Config(), kServicePassword);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE((*directory)->ReadSnapshot().ok());
  server_->Stop();
  signal(SIGPIPE, SIG_DFL);
  Result<DirectorySnapshot> snapshot = (*directory)->ReadSnapshot();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(snapshot.status().message().find(server_->url()), std::string::npos)
      << snapshot.status().message();
}

}  // namespace
}  // namespace pmbridge::testing
