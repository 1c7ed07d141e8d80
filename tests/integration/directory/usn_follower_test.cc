// The uSNChanged polling follower against a real Active Directory (a Samba DC): the start
// from nothing lists everyone with present sets; creations, account state, memberships
// (nested too), deletes, renames and moves arrive as events; OU renames read everything
// again; a stored position resumes after a restart; a position of another DC or garbage is
// kInvalidInput; a DC that went away is an error, never departures.
//
// One DC per test process (SetUpTestSuite; ctest runs each case as its own process, under
// the samba_dc resource lock); each test builds its own OU tree.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bridge/clock.h"
#include "bridge/dn.h"
#include "connectors/directory/usn_follower.h"
#include "connectors/directory/usn_position.h"
#include "tests/support/ad_directory_admin.h"
#include "tests/support/samba_server.h"

namespace pmbridge::testing {
namespace {

using Kind = DirectoryEvent::Kind;
using Events = std::vector<DirectoryEvent>;

std::string Normal(const std::string& dn) {
  Result<std::string> normal = NormalizeDn(dn);
  EXPECT_TRUE(normal.ok()) << dn << ": " << normal.status().ToString();
  return normal.ok() ? normal.value() : dn;
}

const DirectoryEvent* FindUserPut(const Events& events, const std::string& anchor) {
  const DirectoryEvent* found = nullptr;  // the last one: the entry as it is now
  for (const DirectoryEvent& e : events) {
    if (e.kind == Kind::kUserPut && e.user.anchor == anchor) found = &e;
  }
  return found;
}

const DirectoryEvent* FindGroupPut(const Events& events, const std::string& anchor) {
  const DirectoryEvent* found = nullptr;
  for (const DirectoryEvent& e : events) {
    if (e.kind == Kind::kGroupPut && e.group.anchor == anchor) found = &e;
  }
  return found;
}

const DirectoryEvent* FindGone(const Events& events, Kind kind, const std::string& anchor) {
  for (const DirectoryEvent& e : events) {
    if (e.kind == kind && e.anchor == anchor) return &e;
  }
  return nullptr;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class UsnFollowerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dc_ = SambaServer::Start();
    admin_ = std::make_unique<AdDirectoryAdmin>(*dc_);
  }
  static void TearDownTestSuite() {
    admin_.reset();
    dc_.reset();
  }

  // OU=<test name> holding OU=People, OU=Groups and OU=Elsewhere (out of scope), all made
  // before any follower starts: an OU changed within a poll's window makes it read
  // everything.
  void SetUp() override {
    // The follower guards against SIGPIPE itself; the default action makes a slip fatal.
    signal(SIGPIPE, SIG_DFL);
    ASSERT_NE(admin_, nullptr) << "the Samba DC did not start (see SetUpTestSuite)";
    static int tests_run = 0;
    serial_ = ++tests_run;
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    root_ = admin_->CreateOu(dc_->base_dn(), name);
    people_ = admin_->CreateOu(root_, "People");
    groups_ = admin_->CreateOu(root_, "Groups");
    elsewhere_ = admin_->CreateOu(root_, "Elsewhere");
  }

  // The active_directory flavour's defaults, bound as Administrator, polling every 50 ms.
  DirectoryConfig Config() const {
    return AdDirectoryConfig(*dc_, people_, groups_, ChangeDetection::kUsn);
  }

  std::unique_ptr<DirectoryFollower> Follower() {
    Result<std::unique_ptr<DirectoryFollower>> follower =
        OpenUsnFollower(Config(), dc_->admin_password(), clock_);
    EXPECT_TRUE(follower.ok()) << follower.status().ToString();
    return follower.ok() ? std::move(follower).value() : nullptr;
  }

  // Start("") on a new follower, checked; the position in *position.
  std::unique_ptr<DirectoryFollower> Started(std::string* position = nullptr) {
    std::unique_ptr<DirectoryFollower> follower = Follower();
    if (follower == nullptr) return nullptr;
    Result<FollowBatch> batch = follower->Start("");
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) return nullptr;
    if (position != nullptr) *position = batch->position;
    return follower;
  }

  // Calls Next until `done` holds for the events gathered (the last position in
  // *position), or a generous deadline passes; the deadline only keeps a broken build from
  // hanging. Batches must not carry present sets: polls report changes only.
  Events NextUntil(DirectoryFollower& follower, const std::function<bool(const Events&)>& done,
                   std::string* position = nullptr) {
    Events events;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done(events) && std::chrono::steady_clock::now() < deadline) {
      Result<FollowBatch> batch = follower.Next(std::chrono::milliseconds(200), -1);
      if (!batch.ok()) {
        ADD_FAILURE() << batch.status().ToString();
        break;
      }
      EXPECT_FALSE(batch->users_present.has_value());
      EXPECT_FALSE(batch->groups_present.has_value());
      if (position != nullptr && !batch->position.empty()) *position = batch->position;
      for (DirectoryEvent& e : batch->events) events.push_back(std::move(e));
    }
    return events;
  }

  // sAMAccountName is unique in the domain, and the tests of one process share it.
  std::string Login(const std::string& name) const { return name + "-" + std::to_string(serial_); }

  AdUser User(const std::string& name) const {
    AdUser user;
    user.cn = name;
    user.sam_account_name = Login(name);
    const std::string& login = name;
    user.given_name = "Given-" + login;
    user.sn = "Sur-" + login;
    return user;
  }

  static std::unique_ptr<SambaServer> dc_;
  static std::unique_ptr<AdDirectoryAdmin> admin_;
  SystemClock clock_;
  std::string root_, people_, groups_, elsewhere_;
  int serial_ = 0;
};

std::unique_ptr<SambaServer> UsnFollowerTest::dc_;
std::unique_ptr<AdDirectoryAdmin> UsnFollowerTest::admin_;

TEST_F(UsnFollowerTest, StartFromNothingListsEverythingWithPresentSets) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  AdUser bob_entry = User("bob");
  bob_entry.user_account_control = kUacEnabledWithoutPassword | kUacAccountDisable;
  const std::string bob = admin_->CreateUser(people_, bob_entry);
  admin_->CreateUser(elsewhere_, User("eve"));  // out of scope
  const std::string staff = admin_->CreateGroup(groups_, Login("Staff"), {ann});
  const std::string all = admin_->CreateGroup(groups_, Login("All"), {staff, bob});

  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> batch = follower->Start("");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->position.starts_with("usn:")) << batch->position;
  ASSERT_TRUE(batch->users_present.has_value());
  ASSERT_TRUE(batch->groups_present.has_value());
  const std::string ann_id = admin_->ObjectGuid(ann), bob_id = admin_->ObjectGuid(bob);
  const std::string staff_id = admin_->ObjectGuid(staff), all_id = admin_->ObjectGuid(all);
  EXPECT_EQ(*batch->users_present, (std::unordered_set<std::string>{ann_id, bob_id}));
  EXPECT_EQ(*batch->groups_present, (std::unordered_set<std::string>{staff_id, all_id}));

  const DirectoryEvent* ann_put = FindUserPut(batch->events, ann_id);
  ASSERT_NE(ann_put, nullptr);
  EXPECT_EQ(ann_put->user.dn, Normal(ann));
  EXPECT_EQ(ann_put->user.login, Login("ann"));
  EXPECT_EQ(ann_put->user.first_name, "Given-ann");
  EXPECT_TRUE(ann_put->user.directory_disabled_reason.empty());
  const DirectoryEvent* bob_put = FindUserPut(batch->events, bob_id);
  ASSERT_NE(bob_put, nullptr);
  EXPECT_FALSE(bob_put->user.directory_disabled_reason.empty());
  const DirectoryEvent* all_put = FindGroupPut(batch->events, all_id);
  ASSERT_NE(all_put, nullptr);
  EXPECT_EQ(Sorted(all_put->group.members), Sorted({Normal(staff), Normal(bob)}));

  // Nothing changed: a poll hands out nothing and keeps the position.
  Result<FollowBatch> idle = follower->Next(std::chrono::milliseconds(200), -1);
  ASSERT_TRUE(idle.ok()) << idle.status().ToString();
  EXPECT_TRUE(idle->events.empty());
  EXPECT_TRUE(idle->position.empty());
}

TEST_F(UsnFollowerTest, UserCreationAndAccountStateArriveAsPuts) {
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);

  const std::string cat = admin_->CreateUser(people_, User("cat"));
  const std::string cat_id = admin_->ObjectGuid(cat);
  std::string moved_to = position;
  Events created = NextUntil(
      *follower, [&](const Events& e) { return FindUserPut(e, cat_id) != nullptr; }, &moved_to);
  const DirectoryEvent* put = FindUserPut(created, cat_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.dn, Normal(cat));
  EXPECT_EQ(put->user.login, Login("cat"));
  EXPECT_NE(moved_to, position);

  admin_->SetUserAccountControl(cat, kUacEnabledWithoutPassword | kUacAccountDisable);
  Events disabled = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindUserPut(e, cat_id);
    return p != nullptr && !p->user.directory_disabled_reason.empty();
  });
  ASSERT_NE(FindUserPut(disabled, cat_id), nullptr);
  EXPECT_EQ(FindGone(disabled, Kind::kUserGone, cat_id), nullptr);

  admin_->SetUserAccountControl(cat, kUacEnabledWithoutPassword);
  Events enabled = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindUserPut(e, cat_id);
    return p != nullptr && p->user.directory_disabled_reason.empty();
  });
  ASSERT_NE(FindUserPut(enabled, cat_id), nullptr);
}

TEST_F(UsnFollowerTest, MembershipChangesPutTheGroupWithItsMembers) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  const std::string bob = admin_->CreateUser(people_, User("bob"));
  const std::string staff = admin_->CreateGroup(groups_, Login("Staff"), {ann});
  const std::string all = admin_->CreateGroup(groups_, Login("All"), {});
  const std::string staff_id = admin_->ObjectGuid(staff), all_id = admin_->ObjectGuid(all);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->AddMembers(staff, {bob});
  Events added = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindGroupPut(e, staff_id);
    return p != nullptr && p->group.members.size() == 2;
  });
  const DirectoryEvent* put = FindGroupPut(added, staff_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(Sorted(put->group.members), Sorted({Normal(ann), Normal(bob)}));

  admin_->RemoveMembers(staff, {ann});
  Events removed = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindGroupPut(e, staff_id);
    return p != nullptr && p->group.members.size() == 1;
  });
  put = FindGroupPut(removed, staff_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->group.members, std::vector<std::string>{Normal(bob)});

  // Nesting: a group as a member of a group.
  admin_->AddMembers(all, {staff});
  Events nested = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindGroupPut(e, all_id);
    return p != nullptr && !p->group.members.empty();
  });
  put = FindGroupPut(nested, all_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->group.members, std::vector<std::string>{Normal(staff)});
}

TEST_F(UsnFollowerTest, DeletedUserIsGoneAsDeleted) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  admin_->CreateGroup(groups_, Login("Staff"), {ann});
  const std::string ann_id = admin_->ObjectGuid(ann);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->Delete(ann);
  Events events = NextUntil(
      *follower, [&](const Events& e) { return FindGone(e, Kind::kUserGone, ann_id) != nullptr; });
  const DirectoryEvent* gone = FindGone(events, Kind::kUserGone, ann_id);
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->deleted);
  EXPECT_EQ(FindUserPut(events, ann_id), nullptr);
}

TEST_F(UsnFollowerTest, RenamedEntriesKeepTheirAnchorAndTheirGroupsFollow) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  const std::string staff = admin_->CreateGroup(groups_, Login("Staff"), {ann});
  const std::string all = admin_->CreateGroup(groups_, Login("All"), {staff});
  const std::string ann_id = admin_->ObjectGuid(ann);
  const std::string staff_id = admin_->ObjectGuid(staff), all_id = admin_->ObjectGuid(all);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  // Samba changes the member values of Staff without bumping it: the follower must put
  // Staff again, or the model would keep the old DN and drop ann's memberships.
  const std::string renamed = admin_->Rename(ann, "CN=ann-married");
  Events events = NextUntil(*follower, [&](const Events& e) {
    return FindUserPut(e, ann_id) != nullptr && FindGroupPut(e, staff_id) != nullptr;
  });
  const DirectoryEvent* put = FindUserPut(events, ann_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.dn, Normal(renamed));
  EXPECT_EQ(FindGone(events, Kind::kUserGone, ann_id), nullptr);
  const DirectoryEvent* group = FindGroupPut(events, staff_id);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->group.members, std::vector<std::string>{Normal(renamed)});

  // The same for a nested group: its parent lists it under the new name.
  const std::string staff_renamed = admin_->Rename(staff, "CN=Clinical Staff");
  events = NextUntil(*follower, [&](const Events& e) {
    const DirectoryEvent* p = FindGroupPut(e, all_id);
    return FindGroupPut(e, staff_id) != nullptr && p != nullptr;
  });
  ASSERT_NE(FindGroupPut(events, staff_id), nullptr);
  EXPECT_EQ(FindGroupPut(events, staff_id)->group.dn, Normal(staff_renamed));
  ASSERT_NE(FindGroupPut(events, all_id), nullptr);
  EXPECT_EQ(FindGroupPut(events, all_id)->group.members,
            std::vector<std::string>{Normal(staff_renamed)});
}

TEST_F(UsnFollowerTest, MovedOutOfScopeIsGoneNotDeleted) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  const std::string ann_id = admin_->ObjectGuid(ann);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->Move(ann, elsewhere_);
  Events events = NextUntil(
      *follower, [&](const Events& e) { return FindGone(e, Kind::kUserGone, ann_id) != nullptr; });
  const DirectoryEvent* gone = FindGone(events, Kind::kUserGone, ann_id);
  ASSERT_NE(gone, nullptr);
  EXPECT_FALSE(gone->deleted);
  EXPECT_EQ(FindUserPut(events, ann_id), nullptr);
}

TEST_F(UsnFollowerTest, RenamedOuReadsEverythingAgain) {
  const std::string ward = admin_->CreateOu(people_, "Ward");
  const std::string ann = admin_->CreateUser(ward, User("ann"));
  const std::string ann_id = admin_->ObjectGuid(ann);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  // Only the OU is bumped; ann's DN changes with it. A complete read says where she is.
  const std::string renamed = admin_->Rename(ward, "OU=Ward B");
  std::optional<FollowBatch> full;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!full && std::chrono::steady_clock::now() < deadline) {
    Result<FollowBatch> batch = follower->Next(std::chrono::milliseconds(200), -1);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    if (batch->users_present) full = std::move(batch).value();
  }
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(*full->users_present, std::unordered_set<std::string>{ann_id});
  const DirectoryEvent* put = FindUserPut(full->events, ann_id);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.dn, Normal("CN=ann," + renamed));
}

TEST_F(UsnFollowerTest, ResumesFromThePositionAfterARestart) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  const std::string bob = admin_->CreateUser(people_, User("bob"));
  const std::string cat = admin_->CreateUser(people_, User("cat"));
  const std::string ann_id = admin_->ObjectGuid(ann), bob_id = admin_->ObjectGuid(bob);
  const std::string cat_id = admin_->ObjectGuid(cat);
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);
  follower->Stop();

  // While the daemon is away.
  admin_->SetUserAccountControl(ann, kUacEnabledWithoutPassword | kUacAccountDisable);
  admin_->Delete(bob);

  follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> resumed = follower->Start(position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_FALSE(resumed->users_present.has_value());
  EXPECT_FALSE(resumed->groups_present.has_value());
  EXPECT_NE(resumed->position, "");
  EXPECT_NE(resumed->position, position);
  const DirectoryEvent* put = FindUserPut(resumed->events, ann_id);
  ASSERT_NE(put, nullptr);
  EXPECT_FALSE(put->user.directory_disabled_reason.empty());
  const DirectoryEvent* gone = FindGone(resumed->events, Kind::kUserGone, bob_id);
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->deleted);
  EXPECT_EQ(FindUserPut(resumed->events, cat_id), nullptr);  // unchanged: not listed

  // From the new position, nothing is left.
  const std::string latest = resumed->position;
  follower->Stop();
  Result<FollowBatch> again = follower->Start(latest);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->events.empty());
}

TEST_F(UsnFollowerTest, PositionOfAnotherDcOrGarbageIsInvalidInput) {
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);
  Result<UsnPosition> parsed = ParseUsnPosition(position);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();

  UsnPosition other_dc = *parsed;
  other_dc.invocation_id = "00000000-1111-2222-3333-444444444444";
  UsnPosition ahead = *parsed;
  ahead.usn += 1000000;
  for (const std::string& bad :
       {FormatUsnPosition(other_dc), FormatUsnPosition(ahead), std::string("garbage"),
        std::string("usn:") + parsed->invocation_id, "usn:" + parsed->invocation_id + ":-5",
        "usn:" + parsed->invocation_id + ":12x", std::string("{\"users\":\"x\"}")}) {
    Result<FollowBatch> batch = follower->Start(bad);
    ASSERT_FALSE(batch.ok()) << bad;
    EXPECT_EQ(batch.status().code(), ErrorCode::kInvalidInput)
        << bad << ": " << batch.status().ToString();
  }
  // The real one still works.
  Result<FollowBatch> batch = follower->Start(position);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
}

TEST_F(UsnFollowerTest, StoppedDcIsAnErrorNeverDepartures) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);

  dc_->Stop();
  Result<FollowBatch> batch = follower->Next(std::chrono::milliseconds(200), -1);
  for (int i = 0; i < 10 && batch.ok(); ++i) {
    // Not yet due, or the poll did not notice yet: it must not report anything either way.
    EXPECT_TRUE(batch->events.empty());
    batch = follower->Next(std::chrono::milliseconds(200), -1);
  }
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kDirectory) << batch.status().ToString();
  Result<FollowBatch> restart = follower->Start(position);
  EXPECT_FALSE(restart.ok());

  // The same DC back (same database, same invocationId): the position is good again.
  dc_->Restart();
  admin_ = std::make_unique<AdDirectoryAdmin>(*dc_);
  restart = follower->Start(position);
  ASSERT_TRUE(restart.ok()) << restart.status().ToString();
  for (const DirectoryEvent& e : restart->events) {
    EXPECT_NE(e.kind, Kind::kUserGone) << e.anchor;
  }
}

// How much a poll costs: idle (the DC's USN did not move: one root DSE search) and with one
// change. Figures for the log, not thresholds.
TEST_F(UsnFollowerTest, PollCost) {
  const std::string ann = admin_->CreateUser(people_, User("ann"));
  DirectoryConfig config = Config();
  config.poll_interval = std::chrono::milliseconds(1);
  Result<std::unique_ptr<DirectoryFollower>> opened =
      OpenUsnFollower(config, dc_->admin_password(), clock_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  DirectoryFollower& follower = **opened;
  ASSERT_TRUE(follower.Start("").ok());

  using Steady = std::chrono::steady_clock;
  // Each measured Next is due (the 1 ms interval has passed) and so polls.
  const auto until_due = [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); };
  constexpr int kIdlePolls = 200;
  Steady::duration idle{};
  for (int i = 0; i < kIdlePolls; ++i) {
    until_due();
    const auto begin = Steady::now();
    Result<FollowBatch> batch = follower.Next(std::chrono::milliseconds(0), -1);
    idle += Steady::now() - begin;
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_TRUE(batch->events.empty());
  }
  constexpr int kChangePolls = 20;
  Steady::duration changed{};
  for (int i = 0; i < kChangePolls; ++i) {
    admin_->SetUserAccountControl(
        ann, kUacEnabledWithoutPassword | ((i % 2 == 0) ? kUacAccountDisable : 0));
    until_due();
    const auto begin = Steady::now();
    Result<FollowBatch> batch = follower.Next(std::chrono::milliseconds(0), -1);
    changed += Steady::now() - begin;
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->events.size(), 1u);
  }
  const auto us = [](Steady::duration d, int n) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / n;
  };
  std::cout << "idle poll: " << us(idle, kIdlePolls)
            << " us; poll with one change: " << us(changed, kChangePolls) << " us\n";
  RecordProperty("idle_poll_us", std::to_string(us(idle, kIdlePolls)));
  RecordProperty("one_change_poll_us", std::to_string(us(changed, kChangePolls)));
}

TEST(OpenUsnFollowerTest, RefusesWhatItCannotFollow) {
  SystemClock clock;
  DirectoryConfig config;
  config.url = "ldap://127.0.0.1:389";
  config.flavor = DirectoryFlavor::kActiveDirectory;
  config.users.attributes.anchor = "objectGUID";
  config.groups.member_attribute = "member";
  EXPECT_TRUE(OpenUsnFollower(config, "", clock).ok());

  DirectoryConfig openldap = config;
  openldap.flavor = DirectoryFlavor::kOpenLdap;
  EXPECT_EQ(OpenUsnFollower(openldap, "", clock).status().code(), ErrorCode::kInvalidInput);
  DirectoryConfig uuid = config;
  uuid.users.attributes.anchor = "entryUUID";
  EXPECT_EQ(OpenUsnFollower(uuid, "", clock).status().code(), ErrorCode::kInvalidInput);
  DirectoryConfig no_timeout = config;
  no_timeout.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(OpenUsnFollower(no_timeout, "", clock).status().code(), ErrorCode::kInvalidInput);
  DirectoryConfig insecure = config;
  insecure.url = "ldap://dc.example.org";
  insecure.bind_dn = "CN=svc,DC=example,DC=org";
  EXPECT_EQ(OpenUsnFollower(insecure, "secret", clock).status().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace pmbridge::testing
