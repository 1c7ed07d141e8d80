// Reading an Active Directory (a real Samba DC) with the active_directory flavour's
// defaults: sAMAccountName logins, objectGUID anchors, persons only, the account state AD
// itself keeps (userAccountControl, accountExpires), nested groups, member lists sliced by
// ranged retrieval and paged searches.
//
// One DC per test process (SetUpTestSuite; ctest runs each case as its own process, under
// the samba_dc resource lock); each test builds its own OU tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bridge/clock.h"
#include "bridge/dn.h"
#include "connectors/directory/ad_account_status.h"
#include "connectors/directory/ldap_directory.h"
#include "tests/support/ad_directory_admin.h"
#include "tests/support/samba_server.h"

namespace pmbridge::testing {
namespace {

using std::chrono::hours;

// A clock stopped at the moment the test started: accountExpires dates are set relative
// to it, so "past" and "future" do not depend on how long the test runs.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override { return now_; }

 private:
  std::chrono::system_clock::time_point now_;
};

std::string Normal(const std::string& dn) {
  Result<std::string> normal = NormalizeDn(dn);
  EXPECT_TRUE(normal.ok()) << dn << ": " << normal.status().ToString();
  return normal.ok() ? normal.value() : dn;
}

std::vector<std::string> NormalSorted(const std::vector<std::string>& dns) {
  std::vector<std::string> out;
  for (const std::string& dn : dns) out.push_back(Normal(dn));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class AdSnapshotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dc_ = SambaServer::Start();
    admin_ = std::make_unique<AdDirectoryAdmin>(*dc_);
  }
  static void TearDownTestSuite() {
    admin_.reset();
    dc_.reset();
  }

  // OU=<test name>,DC=clinic,DC=test holding OU=People and OU=Groups.
  void SetUp() override {
    ASSERT_NE(admin_, nullptr) << "the Samba DC did not start (see SetUpTestSuite)";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    root_ = admin_->CreateOu(dc_->base_dn(), name);
    people_ = admin_->CreateOu(root_, "People");
    groups_ = admin_->CreateOu(root_, "Groups");
  }

  // The active_directory flavour's defaults (bridge/config/config_loader.cc), bound as
  // Administrator.
  DirectoryConfig Config() const {
    return AdDirectoryConfig(*dc_, people_, groups_, ChangeDetection::kDirsync);
  }

  Result<DirectorySnapshot> Read(const DirectoryConfig& config) const {
    Result<std::unique_ptr<DirectorySource>> directory =
        OpenLdapDirectory(config, dc_->admin_password(), clock_);
    if (!directory.ok()) return directory.status();
    return (*directory)->ReadSnapshot();
  }
  Result<DirectorySnapshot> Read() const { return Read(Config()); }

  static const DirectoryUser* FindUser(const DirectorySnapshot& snapshot,
                                       const std::string& login) {
    for (const DirectoryUser& user : snapshot.users) {
      if (user.login == login) return &user;
    }
    return nullptr;
  }
  static const DirectoryGroup* FindGroup(const DirectorySnapshot& snapshot, const std::string& dn) {
    for (const DirectoryGroup& group : snapshot.groups) {
      if (group.dn == Normal(dn)) return &group;
    }
    return nullptr;
  }

  AdUser User(const std::string& login) const {
    AdUser user;
    user.cn = user.sam_account_name = login;
    user.given_name = "Given-" + login;
    user.sn = "Sur-" + login;
    return user;
  }

  static std::unique_ptr<SambaServer> dc_;
  static std::unique_ptr<AdDirectoryAdmin> admin_;
  const FixedClock clock_{std::chrono::system_clock::now()};
  std::string root_, people_, groups_;
};

std::unique_ptr<SambaServer> AdSnapshotTest::dc_;
std::unique_ptr<AdDirectoryAdmin> AdSnapshotTest::admin_;

TEST_F(AdSnapshotTest, ReadsPersonsWithSamAccountNameAndObjectGuid) {
  AdUser alice;
  alice.cn = "Alice Anders";
  alice.sam_account_name = "aanders";
  alice.given_name = "Alice";
  alice.sn = "Anders";
  alice.initials = "M";
  alice.mail = "alice@clinic.test";
  const std::string alice_dn = admin_->CreateUser(people_, alice);
  const std::string bob_dn = admin_->CreateUser(people_, User("bbrown"));
  // Neither is a person: a computer is objectClass user too, a group is not.
  admin_->CreateComputer(people_, "WS01");
  admin_->CreateGroup(people_, "people-group", {alice_dn});

  Result<DirectorySnapshot> snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_TRUE(snapshot->warnings.empty()) << snapshot->warnings.front();
  ASSERT_EQ(snapshot->users.size(), 2u);

  const DirectoryUser* a = FindUser(*snapshot, "aanders");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dn, Normal(alice_dn));
  EXPECT_EQ(a->anchor, admin_->ObjectGuid(alice_dn));
  EXPECT_EQ(a->first_name, "Alice");
  EXPECT_EQ(a->last_name, "Anders");
  EXPECT_EQ(a->middle_initial, "M");
  EXPECT_EQ(a->email, "alice@clinic.test");
  EXPECT_EQ(a->directory_disabled_reason, "");

  const DirectoryUser* b = FindUser(*snapshot, "bbrown");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->anchor, admin_->ObjectGuid(bob_dn));
  EXPECT_EQ(b->middle_initial, "");
  EXPECT_EQ(b->email, "");
  EXPECT_NE(a->anchor, b->anchor);
  // The group under OU=People is outside groups.base_dn.
  EXPECT_TRUE(snapshot->groups.empty());
}

TEST_F(AdSnapshotTest, BasesAtTheDomainRootStayInTheDomain) {
  // A subtree search of the domain root is answered with a reference to the configuration
  // partition unless Domain Scope is sent; a reference would fail the read as incomplete.
  const std::string dn = admin_->CreateUser(people_, User("rroot"));
  admin_->CreateGroup(groups_, "root-group", {dn});
  DirectoryConfig config = Config();
  config.users.base_dn = Normal(dc_->base_dn());
  config.groups.base_dn = Normal(dc_->base_dn());
  Result<DirectorySnapshot> snapshot = Read(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_NE(FindUser(*snapshot, "rroot"), nullptr);
  EXPECT_NE(FindUser(*snapshot, "Administrator"), nullptr);
  const DirectoryGroup* group = FindGroup(*snapshot, "CN=root-group," + groups_);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->members, NormalSorted({dn}));
}

TEST_F(AdSnapshotTest, TheAnchorSurvivesRenameAndMove) {
  const std::string dn = admin_->CreateUser(people_, User("cclark"));
  const std::string guid = admin_->ObjectGuid(dn);
  const std::string sub = admin_->CreateOu(people_, "Moved");
  const std::string moved = admin_->Move(admin_->Rename(dn, "CN=Carol Clark"), sub);
  EXPECT_EQ(moved, "CN=Carol Clark," + sub);

  Result<DirectorySnapshot> snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  const DirectoryUser* carol = FindUser(*snapshot, "cclark");
  ASSERT_NE(carol, nullptr);
  EXPECT_EQ(carol->dn, Normal(moved));
  EXPECT_EQ(carol->anchor, guid);

  admin_->Delete(sub, /*subtree=*/true);
  snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_TRUE(snapshot->users.empty());
}

TEST_F(AdSnapshotTest, TheAccountDisableBitGivesADisabledReason) {
  AdUser disabled = User("ddavis");
  disabled.user_account_control = kUacEnabledWithoutPassword | kUacAccountDisable;
  const std::string disabled_dn = admin_->CreateUser(people_, disabled);
  const std::string enabled_dn = admin_->CreateUser(people_, User("eevans"));

  Result<DirectorySnapshot> snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_NE(FindUser(*snapshot, "ddavis"), nullptr);
  ASSERT_NE(FindUser(*snapshot, "eevans"), nullptr);
  EXPECT_NE(FindUser(*snapshot, "ddavis")->directory_disabled_reason, "");
  EXPECT_EQ(FindUser(*snapshot, "eevans")->directory_disabled_reason, "");

  // Enabling one and disabling the other swaps them.
  admin_->SetUserAccountControl(disabled_dn, kUacEnabledWithoutPassword);
  admin_->SetUserAccountControl(enabled_dn, kUacEnabledWithoutPassword | kUacAccountDisable);
  snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_NE(FindUser(*snapshot, "ddavis"), nullptr);
  ASSERT_NE(FindUser(*snapshot, "eevans"), nullptr);
  EXPECT_EQ(FindUser(*snapshot, "ddavis")->directory_disabled_reason, "");
  EXPECT_NE(FindUser(*snapshot, "eevans")->directory_disabled_reason, "");
}

TEST_F(AdSnapshotTest, AccountExpiresInThePastGivesADisabledReason) {
  const auto now = clock_.Now();
  const std::string past = admin_->CreateUser(people_, User("expired"));
  const std::string zero = admin_->CreateUser(people_, User("never0"));
  const std::string max = admin_->CreateUser(people_, User("nevermax"));
  const std::string future = admin_->CreateUser(people_, User("future"));
  admin_->CreateUser(people_, User("untouched"));  // Samba's default value
  admin_->SetAccountExpires(past, now - hours(1));
  admin_->SetAccountExpires(zero, kAccountNeverExpiresZero);
  admin_->SetAccountExpires(max, kAccountNeverExpiresMax);
  admin_->SetAccountExpires(future, now + hours(24 * 30));

  Result<DirectorySnapshot> snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  for (const char* login : {"expired", "never0", "nevermax", "future", "untouched"}) {
    ASSERT_NE(FindUser(*snapshot, login), nullptr) << login;
  }
  EXPECT_NE(FindUser(*snapshot, "expired")->directory_disabled_reason, "");
  EXPECT_EQ(FindUser(*snapshot, "never0")->directory_disabled_reason, "");
  EXPECT_EQ(FindUser(*snapshot, "nevermax")->directory_disabled_reason, "");
  EXPECT_EQ(FindUser(*snapshot, "future")->directory_disabled_reason, "");
  EXPECT_EQ(FindUser(*snapshot, "untouched")->directory_disabled_reason, "");

  // Setting it back to "never" lifts the verdict.
  admin_->SetAccountExpires(past, kAccountNeverExpiresZero);
  snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_NE(FindUser(*snapshot, "expired"), nullptr);
  EXPECT_EQ(FindUser(*snapshot, "expired")->directory_disabled_reason, "");
}

TEST_F(AdSnapshotTest, NestedGroupsListGroupsAmongTheirMembers) {
  const std::string alice = admin_->CreateUser(people_, User("alice"));
  const std::string bob = admin_->CreateUser(people_, User("bob"));
  const std::string inner = admin_->CreateGroup(groups_, "front-desk-temps", {bob});
  const std::string outer = admin_->CreateGroup(groups_, "pm-front-desk", {alice, inner});
  const std::string empty = admin_->CreateGroup(groups_, "pm-empty");

  Result<DirectorySnapshot> snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_TRUE(snapshot->warnings.empty()) << snapshot->warnings.front();
  ASSERT_EQ(snapshot->groups.size(), 3u);
  const DirectoryGroup* o = FindGroup(*snapshot, outer);
  const DirectoryGroup* i = FindGroup(*snapshot, inner);
  const DirectoryGroup* e = FindGroup(*snapshot, empty);
  ASSERT_NE(o, nullptr);
  ASSERT_NE(i, nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Sorted(o->members), NormalSorted({alice, inner}));
  EXPECT_EQ(i->members, NormalSorted({bob}));
  EXPECT_TRUE(e->members.empty());
  EXPECT_EQ(o->anchor, admin_->ObjectGuid(outer));

  // A member removed is gone from the next read.
  admin_->RemoveMembers(outer, {alice});
  snapshot = Read();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  o = FindGroup(*snapshot, outer);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->members, NormalSorted({inner}));
}

// Active Directory hands out at most 1500 values of an attribute per slice; the reader
// asks for "member;range=0-1499" and follows the slices. Samba answers that request with
// "member;range=0-*" up to 1500 values, with "member;range=0-1499" and then
// "member;range=1500-*" above, and with no member attribute for an empty group: each comes
// back whole.
TEST_F(AdSnapshotTest, MemberListsAboveFifteenHundredComeBackWholeThroughRanges) {
  const std::vector<std::string> users = admin_->CreateUsers(people_, "bulk", 1600);
  ASSERT_EQ(users.size(), 1600u);
  const std::vector<std::string> first_1500(users.begin(), users.begin() + 1500);
  const std::string big = admin_->CreateGroup(groups_, "pm-everyone", users);
  const std::string exactly = admin_->CreateGroup(groups_, "pm-1500", first_1500);
  const std::string few = admin_->CreateGroup(groups_, "pm-few", {users[0], users[1599]});
  const std::string none = admin_->CreateGroup(groups_, "pm-none");

  DirectoryConfig config = Config();
  config.page_size = 1000;
  Result<DirectorySnapshot> snapshot = Read(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_TRUE(snapshot->warnings.empty()) << snapshot->warnings.front();
  EXPECT_EQ(snapshot->users.size(), 1600u);
  ASSERT_EQ(snapshot->groups.size(), 4u);

  const auto members = [&](const std::string& dn) {
    const DirectoryGroup* group = FindGroup(*snapshot, dn);
    EXPECT_NE(group, nullptr) << dn;
    return group == nullptr ? std::vector<std::string>{} : Sorted(group->members);
  };
  const std::vector<std::string> everyone = members(big);
  EXPECT_EQ(everyone.size(), 1600u);
  EXPECT_EQ(everyone, NormalSorted(users));
  EXPECT_EQ(std::set<std::string>(everyone.begin(), everyone.end()).size(), 1600u);
  EXPECT_EQ(members(exactly), NormalSorted(first_1500));
  EXPECT_EQ(members(few), NormalSorted({users[0], users[1599]}));
  EXPECT_TRUE(members(none).empty());
}

TEST_F(AdSnapshotTest, SmallPagesReadEveryUserAndGroup) {
  const std::vector<std::string> users = admin_->CreateUsers(people_, "paged", 60);
  for (int i = 0; i < 25; ++i) {
    admin_->CreateGroup(groups_, "group-" + std::to_string(i),
                        {users[static_cast<std::size_t>(i)]});
  }

  DirectoryConfig config = Config();
  config.page_size = 20;
  Result<DirectorySnapshot> snapshot = Read(config);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_EQ(snapshot->users.size(), 60u);
  std::vector<std::string> dns;
  std::set<std::string> anchors;
  for (const DirectoryUser& user : snapshot->users) {
    dns.push_back(user.dn);
    anchors.insert(user.anchor);
  }
  EXPECT_EQ(Sorted(dns), NormalSorted(users));
  EXPECT_EQ(anchors.size(), 60u);
  ASSERT_EQ(snapshot->groups.size(), 25u);
  for (const DirectoryGroup& group : snapshot->groups) EXPECT_EQ(group.members.size(), 1u);
}

}  // namespace
}  // namespace pmbridge::testing
