// The DirSync follower against a real Active Directory (a Samba DC): the start from
// nothing lists everything in scope with present sets; each kind of directory change
// arrives as the event the daemon's model expects; a resumed follower reports only what
// changed while it was stopped; a position the server cannot use is kInvalidInput; a lost
// server or a bind account without the DirSync right is an error, never a departure.
//
// One DC per test process (SetUpTestSuite; ctest runs each case as its own process, under
// the samba_dc resource lock); each test builds its own OU tree. DirSync reports changes
// across the whole domain, so tests look only at the anchors they made.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "bridge/clock.h"
#include "bridge/dn.h"
#include "connectors/directory/dirsync_follower.h"
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

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> NormalSorted(const std::vector<std::string>& dns) {
  std::vector<std::string> out;
  for (const std::string& dn : dns) out.push_back(Normal(dn));
  return Sorted(out);
}

// The events of `events` about `anchor`, in order.
Events About(const Events& events, const std::string& anchor) {
  Events out;
  for (const DirectoryEvent& e : events) {
    const std::string& a = e.kind == Kind::kUserPut
                               ? e.user.anchor
                               : (e.kind == Kind::kGroupPut ? e.group.anchor : e.anchor);
    if (a == anchor) out.push_back(e);
  }
  return out;
}

const DirectoryEvent* Last(const Events& events, Kind kind, const std::string& anchor) {
  const DirectoryEvent* found = nullptr;
  for (const DirectoryEvent& e : events) {
    const std::string& a = kind == Kind::kUserPut
                               ? e.user.anchor
                               : (kind == Kind::kGroupPut ? e.group.anchor : e.anchor);
    if (e.kind == kind && a == anchor) found = &e;
  }
  return found;
}

class DirsyncFollowerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dc_ = SambaServer::Start();
    admin_ = std::make_unique<AdDirectoryAdmin>(*dc_);
  }
  static void TearDownTestSuite() {
    admin_.reset();
    dc_.reset();
  }

  // OU=<test name>,DC=clinic,DC=test holding OU=People, OU=Groups and OU=Elsewhere.
  void SetUp() override {
    // The follower guards against SIGPIPE itself; the default action makes a slip fatal.
    signal(SIGPIPE, SIG_DFL);
    ASSERT_NE(admin_, nullptr) << "the Samba DC did not start (see SetUpTestSuite)";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    // sAMAccountName is unique in the whole domain, and every test of a process shares it.
    tag_ = std::to_string(++sequence_);
    root_ = admin_->CreateOu(dc_->base_dn(), name);
    people_ = admin_->CreateOu(root_, "People");
    groups_ = admin_->CreateOu(root_, "Groups");
    elsewhere_ = admin_->CreateOu(root_, "Elsewhere");
  }

  // The active_directory flavour's defaults, bound as Administrator, polling often.
  DirectoryConfig Config() const {
    return AdDirectoryConfig(*dc_, people_, groups_, ChangeDetection::kDirsync);
  }

  std::unique_ptr<DirectoryFollower> Follower(const DirectoryConfig& config,
                                              const std::string& password) {
    Result<std::unique_ptr<DirectoryFollower>> follower =
        OpenDirsyncFollower(config, password, clock_);
    EXPECT_TRUE(follower.ok()) << follower.status().ToString();
    return follower.ok() ? std::move(follower).value() : nullptr;
  }
  std::unique_ptr<DirectoryFollower> Follower() {
    return Follower(Config(), dc_->admin_password());
  }

  // A follower started from nothing (its batch checked to be well formed), and its position.
  std::unique_ptr<DirectoryFollower> Started(std::string* position = nullptr) {
    std::unique_ptr<DirectoryFollower> follower = Follower();
    if (follower == nullptr) return nullptr;
    Result<FollowBatch> batch = follower->Start("");
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) return nullptr;
    EXPECT_EQ(batch->position.rfind("dirsync:", 0), 0u) << batch->position;
    if (position != nullptr) *position = batch->position;
    return follower;
  }

  // Calls Next until `done` holds for the events gathered (the last position kept in
  // *position), or a generous deadline passes; the deadline only keeps a broken build from
  // hanging.
  Events NextUntil(DirectoryFollower& follower, const std::function<bool(const Events&)>& done,
                   std::string* position = nullptr) {
    Events events;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done(events) && std::chrono::steady_clock::now() < deadline) {
      Result<FollowBatch> batch = follower.Next(std::chrono::milliseconds(500), -1);
      if (!batch.ok()) {
        ADD_FAILURE() << batch.status().ToString();
        break;
      }
      EXPECT_FALSE(batch->users_present.has_value());
      EXPECT_FALSE(batch->groups_present.has_value());
      if (position != nullptr && !batch->position.empty()) *position = batch->position;
      for (DirectoryEvent& e : batch->events) events.push_back(std::move(e));
    }
    EXPECT_TRUE(done(events)) << "gave up waiting for the expected events";
    return events;
  }

  // Waits for an event of `kind` about `anchor`; returns the last such one.
  DirectoryEvent NextEvent(DirectoryFollower& follower, Kind kind, const std::string& anchor,
                           Events* all = nullptr) {
    Events events =
        NextUntil(follower, [&](const Events& got) { return Last(got, kind, anchor) != nullptr; });
    const DirectoryEvent* found = Last(events, kind, anchor);
    DirectoryEvent out = found != nullptr ? *found : DirectoryEvent{};
    if (all != nullptr) *all = std::move(events);
    return out;
  }

  AdUser User(const std::string& login) const {
    AdUser user;
    user.cn = login + tag_;
    user.sam_account_name = login + tag_;
    user.given_name = "Given " + login;
    user.sn = "Sn " + login;
    return user;
  }

  static inline std::unique_ptr<SambaServer> dc_;
  static inline std::unique_ptr<AdDirectoryAdmin> admin_;
  SystemClock clock_;
  static inline int sequence_ = 0;
  std::string tag_;  // appended to every login and group name of the test
  std::string root_;
  std::string people_;
  std::string groups_;
  std::string elsewhere_;
};

TEST_F(DirsyncFollowerTest, StartFromNothingListsEverythingInScopeWithPresentSets) {
  const std::string alice = admin_->CreateUser(people_, User("alice"));
  AdUser bob_entry = User("bob");
  bob_entry.user_account_control |= kUacAccountDisable;
  const std::string bob = admin_->CreateUser(people_, bob_entry);
  admin_->CreateComputer(people_, "ws" + tag_);
  admin_->CreateUser(elsewhere_, User("outsider"));
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {alice, bob});

  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> batch = follower->Start("");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->position.rfind("dirsync:", 0), 0u) << batch->position;
  ASSERT_TRUE(batch->users_present.has_value());
  ASSERT_TRUE(batch->groups_present.has_value());

  const std::string alice_anchor = admin_->ObjectGuid(alice);
  const std::string bob_anchor = admin_->ObjectGuid(bob);
  const std::string staff_anchor = admin_->ObjectGuid(staff);
  EXPECT_EQ(std::set<std::string>(batch->users_present->begin(), batch->users_present->end()),
            (std::set<std::string>{alice_anchor, bob_anchor}));
  EXPECT_EQ(std::set<std::string>(batch->groups_present->begin(), batch->groups_present->end()),
            (std::set<std::string>{staff_anchor}));
  ASSERT_EQ(batch->events.size(), 3u);
  const DirectoryEvent* a = Last(batch->events, Kind::kUserPut, alice_anchor);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->user.login, "alice" + tag_);
  EXPECT_EQ(a->user.dn, Normal(alice));
  EXPECT_EQ(a->user.first_name, "Given alice");
  EXPECT_EQ(a->user.directory_disabled_reason, "");
  const DirectoryEvent* b = Last(batch->events, Kind::kUserPut, bob_anchor);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b->user.directory_disabled_reason, "");
  const DirectoryEvent* g = Last(batch->events, Kind::kGroupPut, staff_anchor);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->group.dn, Normal(staff));
  EXPECT_EQ(Sorted(g->group.members), NormalSorted({alice, bob}));

  // Nothing changed since: a round reports nothing about these objects.
  Result<FollowBatch> next = follower->Next(std::chrono::milliseconds(200), -1);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  for (const std::string& anchor : {alice_anchor, bob_anchor, staff_anchor}) {
    EXPECT_TRUE(About(next->events, anchor).empty()) << anchor;
  }
}

TEST_F(DirsyncFollowerTest, UserCreatedDisabledAndReenabledArriveAsPuts) {
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  const std::string carol = admin_->CreateUser(people_, User("carol"));
  const std::string anchor = admin_->ObjectGuid(carol);
  DirectoryEvent created = NextEvent(*follower, Kind::kUserPut, anchor);
  EXPECT_EQ(created.user.login, "carol" + tag_);
  EXPECT_EQ(created.user.dn, Normal(carol));
  EXPECT_EQ(created.user.last_name, "Sn carol");
  EXPECT_EQ(created.user.directory_disabled_reason, "");

  admin_->SetUserAccountControl(carol, kUacEnabledWithoutPassword | kUacAccountDisable);
  DirectoryEvent disabled = NextEvent(*follower, Kind::kUserPut, anchor);
  EXPECT_EQ(disabled.user.login, "carol" + tag_);
  EXPECT_NE(disabled.user.directory_disabled_reason, "");

  admin_->SetUserAccountControl(carol, kUacEnabledWithoutPassword);
  DirectoryEvent enabled = NextEvent(*follower, Kind::kUserPut, anchor);
  EXPECT_EQ(enabled.user.directory_disabled_reason, "");
}

TEST_F(DirsyncFollowerTest, MemberChangesArriveAsGroupMembersEvents) {
  const std::string alice = admin_->CreateUser(people_, User("alice"));
  const std::string bob = admin_->CreateUser(people_, User("bob"));
  const std::string nested = admin_->CreateGroup(groups_, "Nested" + tag_);
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {alice});
  const std::string staff_anchor = admin_->ObjectGuid(staff);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->AddMembers(staff, {bob, nested});
  DirectoryEvent added = NextEvent(*follower, Kind::kGroupMembers, staff_anchor);
  EXPECT_EQ(added.group.dn, Normal(staff));
  EXPECT_EQ(Sorted(added.members_added), NormalSorted({bob, nested}));
  EXPECT_TRUE(added.members_removed.empty());

  admin_->RemoveMembers(staff, {alice});
  DirectoryEvent removed = NextEvent(*follower, Kind::kGroupMembers, staff_anchor);
  EXPECT_TRUE(removed.members_added.empty());
  EXPECT_EQ(removed.members_removed, NormalSorted({alice}));
}

TEST_F(DirsyncFollowerTest, RenameIsAPutWithTheNewDnAndRereadsItsGroups) {
  const std::string dave = admin_->CreateUser(people_, User("dave"));
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {dave});
  const std::string anchor = admin_->ObjectGuid(dave);
  const std::string staff_anchor = admin_->ObjectGuid(staff);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  const std::string renamed = admin_->Rename(dave, "CN=David");
  Events events;
  NextUntil(*follower, [&](const Events& got) {
    events = got;
    return Last(got, Kind::kUserPut, anchor) != nullptr &&
           Last(got, Kind::kGroupPut, staff_anchor) != nullptr;
  });
  const DirectoryEvent* put = Last(events, Kind::kUserPut, anchor);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.dn, Normal(renamed));
  EXPECT_EQ(put->user.login, "dave" + tag_);
  // The group lists the person under the new DN, though Active Directory did not report
  // the group as changed.
  const DirectoryEvent* group = Last(events, Kind::kGroupPut, staff_anchor);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->group.members, NormalSorted({renamed}));
  EXPECT_EQ(Last(events, Kind::kUserGone, anchor), nullptr);
}

TEST_F(DirsyncFollowerTest, MoveOutOfTheBaseIsAGoneThatIsNoDelete) {
  const std::string erin = admin_->CreateUser(people_, User("erin"));
  const std::string anchor = admin_->ObjectGuid(erin);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->Move(erin, elsewhere_);
  DirectoryEvent gone = NextEvent(*follower, Kind::kUserGone, anchor);
  EXPECT_FALSE(gone.deleted);
}

TEST_F(DirsyncFollowerTest, DeleteIsADeletedGone) {
  const std::string frank = admin_->CreateUser(people_, User("frank"));
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {frank});
  const std::string anchor = admin_->ObjectGuid(frank);
  const std::string staff_anchor = admin_->ObjectGuid(staff);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->Delete(frank);
  Events events;
  DirectoryEvent gone = NextEvent(*follower, Kind::kUserGone, anchor, &events);
  EXPECT_TRUE(gone.deleted);
  EXPECT_NE(Last(events, Kind::kGroupGone, anchor), nullptr);
  EXPECT_EQ(Last(events, Kind::kUserPut, anchor), nullptr);

  admin_->Delete(staff);
  DirectoryEvent group_gone = NextEvent(*follower, Kind::kGroupGone, staff_anchor);
  EXPECT_TRUE(group_gone.deleted);
}

TEST_F(DirsyncFollowerTest, RenamedOuIsAnsweredWithACompleteRead) {
  const std::string dept = admin_->CreateOu(people_, "Dept");
  const std::string henry = admin_->CreateUser(dept, User("henry"));
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {henry});
  const std::string anchor = admin_->ObjectGuid(henry);
  const std::string staff_anchor = admin_->ObjectGuid(staff);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  // Active Directory reports the OU only; henry's DN, and the group's member value, change
  // without a word.
  const std::string renamed_ou = admin_->Rename(dept, "OU=Department");
  const std::string henry_now = "CN=henry" + tag_ + "," + renamed_ou;
  Events events;
  std::optional<std::unordered_set<std::string>> users_present;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!users_present && std::chrono::steady_clock::now() < deadline) {
    Result<FollowBatch> batch = follower->Next(std::chrono::milliseconds(500), -1);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    for (DirectoryEvent& e : batch->events) events.push_back(std::move(e));
    if (batch->users_present) {
      users_present = batch->users_present;
      EXPECT_TRUE(batch->groups_present.has_value());
      EXPECT_FALSE(batch->position.empty());
    }
  }
  ASSERT_TRUE(users_present.has_value()) << "no complete read after the OU rename";
  EXPECT_EQ(users_present->count(anchor), 1u);
  const DirectoryEvent* put = Last(events, Kind::kUserPut, anchor);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.dn, Normal(henry_now));
  const DirectoryEvent* group = Last(events, Kind::kGroupPut, staff_anchor);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->group.members, NormalSorted({henry_now}));
  EXPECT_EQ(Last(events, Kind::kUserGone, anchor), nullptr);
}

TEST_F(DirsyncFollowerTest, LargeGroupChangesAreComplete) {
  const std::vector<std::string> users = admin_->CreateUsers(people_, "bulk" + tag_, 1600);
  const std::string big = admin_->CreateGroup(groups_, "Big" + tag_);
  const std::string big_anchor = admin_->ObjectGuid(big);
  std::unique_ptr<DirectoryFollower> follower = Started();
  ASSERT_NE(follower, nullptr);

  admin_->AddMembers(big, users);
  Events events;
  NextUntil(*follower, [&](const Events& got) {
    std::size_t added = 0;
    for (const DirectoryEvent& e : About(got, big_anchor)) added += e.members_added.size();
    events = got;
    return added >= users.size();
  });
  std::vector<std::string> added;
  for (const DirectoryEvent& e : About(events, big_anchor)) {
    EXPECT_EQ(e.kind, Kind::kGroupMembers);
    added.insert(added.end(), e.members_added.begin(), e.members_added.end());
  }
  EXPECT_EQ(Sorted(added), NormalSorted(users));

  // A rename re-reads the whole group: every slice of its member list.
  const std::string renamed = admin_->Rename(big, "CN=Bigger");
  DirectoryEvent put = NextEvent(*follower, Kind::kGroupPut, big_anchor);
  EXPECT_EQ(put.group.dn, Normal(renamed));
  EXPECT_EQ(Sorted(put.group.members), NormalSorted(users));

  // And a follower started now lists it whole.
  std::unique_ptr<DirectoryFollower> fresh = Follower();
  ASSERT_NE(fresh, nullptr);
  Result<FollowBatch> batch = fresh->Start("");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  const DirectoryEvent* listed = Last(batch->events, Kind::kGroupPut, big_anchor);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->group.members.size(), users.size());

  std::vector<std::string> leaving(users.begin(), users.begin() + 1550);
  admin_->RemoveMembers(renamed, leaving);
  std::vector<std::string> removed;
  NextUntil(*follower, [&](const Events& got) {
    removed.clear();
    for (const DirectoryEvent& e : About(got, big_anchor)) {
      removed.insert(removed.end(), e.members_removed.begin(), e.members_removed.end());
    }
    return removed.size() >= leaving.size();
  });
  EXPECT_EQ(Sorted(removed), NormalSorted(leaving));
}

TEST_F(DirsyncFollowerTest, ResumedFollowerReportsOnlyWhatChangedMeanwhile) {
  const std::string alice = admin_->CreateUser(people_, User("alice"));
  const std::string bob = admin_->CreateUser(people_, User("bob"));
  const std::string staff = admin_->CreateGroup(groups_, "Staff" + tag_, {alice});
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);
  follower->Stop();
  follower.reset();

  // While the daemon is down: one person joins, one leaves, one joins a group.
  const std::string grace = admin_->CreateUser(people_, User("grace"));
  admin_->Delete(bob);
  admin_->AddMembers(staff, {grace});

  std::unique_ptr<DirectoryFollower> resumed = Follower();
  ASSERT_NE(resumed, nullptr);
  Events events;
  std::string last = position;
  Result<FollowBatch> batch = resumed->Start(position);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_FALSE(batch->users_present.has_value());
  EXPECT_FALSE(batch->groups_present.has_value());
  if (!batch->position.empty()) last = batch->position;
  events = batch->events;
  EXPECT_NE(last, position);

  const std::string alice_anchor = admin_->ObjectGuid(alice);
  const std::string grace_anchor = admin_->ObjectGuid(grace);
  const std::string bob_anchor = [&] {
    // bob is gone; his anchor is the one a kUserGone deleted names that is not grace's.
    for (const DirectoryEvent& e : events) {
      if (e.kind == Kind::kUserGone && e.deleted) return e.anchor;
    }
    return std::string();
  }();
  EXPECT_FALSE(bob_anchor.empty());
  EXPECT_TRUE(About(events, alice_anchor).empty()) << "alice did not change";
  const DirectoryEvent* grace_put = Last(events, Kind::kUserPut, grace_anchor);
  ASSERT_NE(grace_put, nullptr);
  EXPECT_EQ(grace_put->user.login, "grace" + tag_);
  const DirectoryEvent* joined = Last(events, Kind::kGroupMembers, admin_->ObjectGuid(staff));
  ASSERT_NE(joined, nullptr);
  EXPECT_EQ(joined->members_added, NormalSorted({grace}));

  // Resuming from where this left off reports none of it again.
  resumed->Stop();
  Result<FollowBatch> again = resumed->Start(last);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(About(again->events, grace_anchor).empty());
  EXPECT_TRUE(About(again->events, bob_anchor).empty());
}

TEST_F(DirsyncFollowerTest, PositionTheServerCannotUseIsInvalidInput) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  for (const char* position : {"garbage", "dirsync:", "dirsync:not base64!",
                               // Valid base64, not a cookie: Samba cannot unmarshall it.
                               "dirsync:Z2FyYmFnZWdhcmJhZ2U="}) {
    Result<FollowBatch> batch = follower->Start(position);
    ASSERT_FALSE(batch.ok()) << position;
    EXPECT_EQ(batch.status().code(), ErrorCode::kInvalidInput)
        << position << ": " << batch.status().ToString();
  }
  // And from nothing it starts.
  Result<FollowBatch> batch = follower->Start("");
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
}

TEST_F(DirsyncFollowerTest, BindAccountWithoutDirsyncRightGetsAClearError) {
  AdUser plain = User("plainreader");
  plain.user_account_control = kUacNormalAccount;
  const std::string dn = admin_->CreateUser(people_, plain);
  const std::string password = "Plain-Reader-1";
  admin_->SetPassword(dn, password);

  DirectoryConfig config = Config();
  config.bind_dn = dn;
  std::unique_ptr<DirectoryFollower> follower = Follower(config, password);
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> batch = follower->Start("");
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(batch.status().message().find("Replicating Directory Changes"), std::string::npos)
      << batch.status().ToString();
  EXPECT_NE(batch.status().message().find("change_detection: usn"), std::string::npos)
      << batch.status().ToString();
}

TEST_F(DirsyncFollowerTest, WakeFdEndsTheWait) {
  DirectoryConfig config = Config();
  config.poll_interval = std::chrono::hours(1);
  std::unique_ptr<DirectoryFollower> follower = Follower(config, dc_->admin_password());
  ASSERT_NE(follower, nullptr);
  ASSERT_TRUE(follower->Start("").ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  // Without the wake-up this would wait ten minutes (and the test would time out).
  Result<FollowBatch> batch = follower->Next(std::chrono::minutes(10), fds[0]);
  close(fds[0]);
  close(fds[1]);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->events.empty());
  EXPECT_TRUE(batch->position.empty());
}

TEST_F(DirsyncFollowerTest, OpenRefusesWhatDirsyncCannotFollow) {
  DirectoryConfig openldap = Config();
  openldap.flavor = DirectoryFlavor::kOpenLdap;
  DirectoryConfig uuid = Config();
  uuid.users.attributes.anchor = "entryUUID";
  DirectoryConfig no_poll = Config();
  no_poll.poll_interval = std::chrono::milliseconds(0);
  for (const DirectoryConfig* config : {&openldap, &uuid, &no_poll}) {
    Result<std::unique_ptr<DirectoryFollower>> follower =
        OpenDirsyncFollower(*config, dc_->admin_password(), clock_);
    ASSERT_FALSE(follower.ok());
    EXPECT_EQ(follower.status().code(), ErrorCode::kInvalidInput);
  }
}

// Last: it stops the suite's DC (and starts it again for any test after it).
TEST_F(DirsyncFollowerTest, StoppedServerIsAnErrorNotDepartures) {
  const std::string alice = admin_->CreateUser(people_, User("alice"));
  std::string position;
  std::unique_ptr<DirectoryFollower> follower = Started(&position);
  ASSERT_NE(follower, nullptr);

  admin_.reset();
  dc_->Stop();
  Result<FollowBatch> batch = follower->Next(std::chrono::milliseconds(200), -1);
  for (int i = 0; i < 50 && batch.ok(); ++i) {
    EXPECT_TRUE(batch->events.empty());
    batch = follower->Next(std::chrono::milliseconds(200), -1);
  }
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kDirectory) << batch.status().ToString();
  // Starting again while the server is down fails too, and reports nothing.
  Result<FollowBatch> restart = follower->Start(position);
  EXPECT_FALSE(restart.ok());

  dc_->Restart();
  admin_ = std::make_unique<AdDirectoryAdmin>(*dc_);
  Result<FollowBatch> resumed = follower->Start(position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(About(resumed->events, admin_->ObjectGuid(alice)).empty());
}

}  // namespace
}  // namespace pmbridge::testing
