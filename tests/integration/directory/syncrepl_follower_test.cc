// The syncrepl follower against a real slapd: the refresh from nothing equals a snapshot,
// persist-phase changes arrive as events, a resumed refresh reports departures (present set
// or explicit deletes), and a lost server is an error, never an empty directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "bridge/directory_follower.h"
#include "connectors/directory/ldap_directory.h"
#include "tests/integration/directory/clinic_directory.h"

namespace pmbridge::testing {
namespace {

using Kind = DirectoryEvent::Kind;
using Events = std::vector<DirectoryEvent>;

const std::string kPeople = ",ou=people,dc=clinic,dc=example";
const std::string kGroups = ",ou=groups,dc=clinic,dc=example";

auto Fields(const DirectoryUser& u) {
  return std::tie(u.anchor, u.dn, u.login, u.first_name, u.last_name, u.middle_initial, u.email,
                  u.directory_disabled_reason);
}

// Sets an environment variable for the fixture script while in scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

class SyncreplFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The follower guards against SIGPIPE itself; the default action makes a slip fatal.
    signal(SIGPIPE, SIG_DFL);
    server_ = SlapdServer::Start(Ldifs());
  }

  virtual std::vector<std::string> Ldifs() { return {ClinicLdif()}; }

  DirectoryConfig Config() const { return ClinicDirectoryConfig(server_->url()); }

  std::unique_ptr<DirectoryFollower> Follower(const DirectoryConfig& config) {
    Result<std::unique_ptr<DirectoryFollower>> follower =
        OpenDirectoryFollower(config, kServicePassword, clock_);
    EXPECT_TRUE(follower.ok()) << follower.status().ToString();
    return follower.ok() ? std::move(follower).value() : nullptr;
  }
  std::unique_ptr<DirectoryFollower> Follower() { return Follower(Config()); }

  DirectorySnapshot Snapshot() {
    Result<DirectorySnapshot> snapshot = ReadClinic(Config());
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    return snapshot.ok() ? std::move(snapshot).value() : DirectorySnapshot{};
  }

  // Calls Next until `done` holds for every event gathered (positions kept in *position),
  // or a generous deadline passes; the deadline only keeps a broken build from hanging.
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
    return events;
  }

  std::string Anchor(const std::string& dn) {
    ProcessResult result = pmbridge::testing::Run(
        {"ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", server_->url(), "-D", kRootDn,
         "-w", kRootPassword, "-s", "base", "-b", dn, "entryUUID"});
    const std::string key = "entryUUID: ";
    const std::size_t at = result.out.find(key);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no entryUUID for " << dn << ": " << result.out << result.err;
      return "";
    }
    return result.out.substr(at + key.size(), 36);
  }

  SystemClock clock_;
  std::unique_ptr<SlapdServer> server_;
};

std::set<std::string> UserAnchors(const DirectorySnapshot& snapshot) {
  std::set<std::string> out;
  for (const DirectoryUser& u : snapshot.users) out.insert(u.anchor);
  return out;
}

std::set<std::string> GroupAnchors(const DirectorySnapshot& snapshot) {
  std::set<std::string> out;
  for (const DirectoryGroup& g : snapshot.groups) out.insert(g.anchor);
  return out;
}

std::set<std::string> Sorted(const std::unordered_set<std::string>& set) {
  return {set.begin(), set.end()};
}

const DirectoryEvent* Find(const Events& events, Kind kind,
                           const std::function<bool(const DirectoryEvent&)>& match) {
  for (const DirectoryEvent& e : events) {
    if (e.kind == kind && match(e)) return &e;
  }
  return nullptr;
}

const DirectoryEvent* FindUserPut(const Events& events, const std::string& login) {
  return Find(events, Kind::kUserPut,
              [&](const DirectoryEvent& e) { return e.user.login == login; });
}

const DirectoryEvent* FindGone(const Events& events, Kind kind, const std::string& anchor) {
  return Find(events, kind, [&](const DirectoryEvent& e) { return e.anchor == anchor; });
}

TEST_F(SyncreplFollowerTest, StartFromNothingEqualsTheSnapshot) {
  const DirectorySnapshot snapshot = Snapshot();
  ASSERT_EQ(snapshot.users.size(), 8u);
  ASSERT_EQ(snapshot.groups.size(), 6u);
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);

  Result<FollowBatch> batch = follower->Start("");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->events.size(), 14u);
  std::map<std::string, DirectoryUser> users;
  std::map<std::string, DirectoryGroup> groups;
  for (std::size_t i = 0; i < batch->events.size(); ++i) {
    const DirectoryEvent& e = batch->events[i];
    // Users first (their session refreshes first), in the directory's order.
    EXPECT_EQ(e.kind, i < 8 ? Kind::kUserPut : Kind::kGroupPut) << i;
    if (e.kind == Kind::kUserPut) users[e.user.anchor] = e.user;
    if (e.kind == Kind::kGroupPut) groups[e.group.anchor] = e.group;
  }
  ASSERT_EQ(users.size(), 8u);
  for (const DirectoryUser& expected : snapshot.users) {
    auto got = users.find(expected.anchor);
    ASSERT_NE(got, users.end()) << expected.dn;
    EXPECT_EQ(Fields(got->second), Fields(expected)) << expected.dn;
  }
  ASSERT_EQ(groups.size(), 6u);
  for (const DirectoryGroup& expected : snapshot.groups) {
    EXPECT_TRUE(LooksLikeUuid(expected.anchor)) << expected.dn << ": " << expected.anchor;
    auto got = groups.find(expected.anchor);
    ASSERT_NE(got, groups.end()) << expected.dn;
    EXPECT_EQ(got->second.dn, expected.dn);
    EXPECT_EQ(got->second.members, expected.members) << expected.dn;
  }
  // The present sets come from the syncUUIDs: equal to the entryUUID attribute text.
  ASSERT_TRUE(batch->users_present.has_value());
  ASSERT_TRUE(batch->groups_present.has_value());
  EXPECT_EQ(Sorted(*batch->users_present), UserAnchors(snapshot));
  EXPECT_EQ(Sorted(*batch->groups_present), GroupAnchors(snapshot));
  EXPECT_EQ(Anchor("uid=alice" + kPeople), FindUserPut(batch->events, "alice")->user.anchor);
  EXPECT_TRUE(batch->warnings.empty());

  const nlohmann::json position = nlohmann::json::parse(batch->position);
  EXPECT_FALSE(position.at("users").get<std::string>().empty()) << batch->position;
  EXPECT_FALSE(position.at("groups").get<std::string>().empty()) << batch->position;
}

TEST_F(SyncreplFollowerTest, PersistPhaseChangesArriveAsEvents) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  const std::string carol = Anchor("uid=carol" + kPeople);
  const std::string social = Anchor("cn=staff-social" + kGroups);

  server_->Add("dn: uid=ivan" + kPeople +
               "\nobjectClass: inetOrgPerson\nuid: ivan\ncn: Ivan I Irwin\ngivenName: Ivan\n"
               "initials: I\nsn: Irwin\nmail: ivan@clinic.example\n");
  server_->Modify("dn: uid=bob" + kPeople + "\nchangetype: modify\nreplace: sn\nsn: Browne\n");
  server_->Modify("dn: cn=pm-nurses" + kGroups +
                  "\nchangetype: modify\nadd: member\nmember: uid=ivan" + kPeople + "\n");
  server_->Modify("dn: uid=carol" + kPeople + "\nchangetype: delete\n");
  server_->Modify("dn: cn=staff-social" + kGroups + "\nchangetype: delete\n");

  std::string position = start->position;
  Events events = NextUntil(
      *follower,
      [&](const Events& e) {
        return FindGone(e, Kind::kGroupGone, social) != nullptr &&
               FindGone(e, Kind::kUserGone, carol) != nullptr;
      },
      &position);
  const DirectoryEvent* ivan = FindUserPut(events, "ivan");
  ASSERT_NE(ivan, nullptr);
  EXPECT_EQ(ivan->user.dn, "uid=ivan" + kPeople);
  EXPECT_EQ(ivan->user.first_name, "Ivan");
  EXPECT_EQ(ivan->user.middle_initial, "I");
  EXPECT_EQ(ivan->user.last_name, "Irwin");
  EXPECT_EQ(ivan->user.email, "ivan@clinic.example");
  EXPECT_EQ(ivan->user.anchor, Anchor("uid=ivan" + kPeople));
  const DirectoryEvent* bob = FindUserPut(events, "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->user.last_name, "Browne");
  EXPECT_EQ(bob->user.first_name, "Bob");  // the whole entry, not just what changed
  const DirectoryEvent* nurses = Find(events, Kind::kGroupPut, [&](const DirectoryEvent& e) {
    return e.group.dn == "cn=pm-nurses" + kGroups;
  });
  ASSERT_NE(nurses, nullptr);
  EXPECT_EQ(nurses->group.members,
            (std::vector<std::string>{"uid=erin" + kPeople, "uid=ivan" + kPeople}));
  EXPECT_EQ(nurses->group.anchor, Anchor("cn=pm-nurses" + kGroups));
  ASSERT_NE(FindGone(events, Kind::kUserGone, carol), nullptr);
  ASSERT_NE(FindGone(events, Kind::kGroupGone, social), nullptr);
  // The users' changes in the order they were made.
  std::vector<std::string> user_order;
  for (const DirectoryEvent& e : events) {
    if (e.kind == Kind::kUserPut) user_order.push_back(e.user.login);
    if (e.kind == Kind::kUserGone) user_order.push_back("-" + e.anchor);
  }
  EXPECT_EQ(user_order, (std::vector<std::string>{"ivan", "bob", "-" + carol}));
  EXPECT_NE(position, start->position);

  // Resuming from the last position sees nothing new.
  follower->Stop();
  Result<FollowBatch> resumed = follower->Start(position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  for (const DirectoryEvent& e : resumed->events) {
    ADD_FAILURE() << "unexpected event for " << e.user.dn << e.group.dn << e.anchor;
  }
}

// Each departure must reach the caller by itself: its notification wakes Next, and that
// same Next hands it over, with no later directory change needed to push it through.
// libldap 2.5's ldap_sync_poll (zero timeout) reads a message off the socket and, its time
// spent, keeps it queued inside libldap; poll() on the socket then no longer sees it (see
// SyncreplSession::Drain). Were it left there, Next would return nothing although woken,
// or sleep until the next change or its timeout: a removal held up for as long.
//
// A burst of changes is deliberately not asserted to arrive in one Next: slapd's syncprov
// sends persist notifications from its own task, after the modify has returned, and
// nothing a test can observe says that all of them are on the consumer's socket; so one
// change at a time, each waited for. Every wake-up of Next comes from the socket (no
// wake_fd, and nothing else changes the directory), so the first Next after a delete
// must return exactly that delete. The wait is bounded only so that a regression fails
// with a message instead of hanging the suite.
TEST_F(SyncreplFollowerTest, EachSingleDeleteArrivesByItself) {
  constexpr int kDeletes = 20;
  constexpr auto kPatience = std::chrono::seconds(60);
  server_->Add(GeneratedUsersLdif(kDeletes));  // people in no group: deleting one is one event
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  ASSERT_TRUE(start->users_present.has_value());
  ASSERT_EQ(start->users_present->size(), 8u + kDeletes);

  std::string position = start->position;
  for (int i = 0; i < kDeletes; ++i) {
    char uid[16];
    std::snprintf(uid, sizeof uid, "gen%05d", i);
    const std::string dn = "uid=" + std::string(uid) + kPeople;
    const std::string anchor = Anchor(dn);
    server_->Modify("dn: " + dn + "\nchangetype: delete\n");

    const auto asked = std::chrono::steady_clock::now();
    Result<FollowBatch> batch = follower->Next(kPatience, -1);
    const bool ran_out = std::chrono::steady_clock::now() - asked >= kPatience;
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_FALSE(ran_out) << "delete " << i << " (" << dn
                          << ") did not wake Next: its notification was stuck until the wait ran "
                             "out";
    ASSERT_EQ(batch->events.size(), 1u)
        << "delete " << i << " (" << dn << ") woke Next, which returned " << batch->events.size()
        << " events";
    EXPECT_EQ(batch->events[0].kind, Kind::kUserGone) << dn;
    EXPECT_EQ(batch->events[0].anchor, anchor) << dn;
    EXPECT_FALSE(batch->users_present.has_value());
    EXPECT_FALSE(batch->position.empty()) << dn;
    EXPECT_NE(batch->position, position) << dn;
    if (!batch->position.empty()) position = batch->position;
  }

  // Nothing was lost on the way: resuming from the last position has nothing new.
  follower->Stop();
  Result<FollowBatch> resumed = follower->Start(position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  for (const DirectoryEvent& e : resumed->events) {
    ADD_FAILURE() << "unexpected event for " << e.user.dn << e.group.dn << e.anchor;
  }
}

TEST_F(SyncreplFollowerTest, ResumedRefreshWithoutSessionLogReportsDeparturesByAbsence) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  follower->Stop();

  const std::string grace = Anchor("uid=grace" + kPeople);
  server_->Modify("dn: uid=grace" + kPeople + "\nchangetype: delete\n");
  server_->Add("dn: uid=zoe" + kPeople +
               "\nobjectClass: inetOrgPerson\nuid: zoe\ncn: Zoe Zhou\nsn: Zhou\n");

  Result<FollowBatch> resumed = follower->Start(start->position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_TRUE(resumed->users_present.has_value());
  const std::string zoe = Anchor("uid=zoe" + kPeople);
  EXPECT_EQ(resumed->users_present->count(grace), 0u);
  EXPECT_EQ(resumed->users_present->count(zoe), 1u);
  EXPECT_EQ(resumed->users_present->size(), 8u);
  EXPECT_EQ(Sorted(*resumed->users_present), UserAnchors(Snapshot()));
  const DirectoryEvent* put = FindUserPut(resumed->events, "zoe");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.anchor, zoe);
  EXPECT_EQ(FindGone(resumed->events, Kind::kUserGone, grace), nullptr);
  if (resumed->groups_present) {
    EXPECT_EQ(resumed->groups_present->size(), 6u);
  }
  EXPECT_FALSE(resumed->position.empty());
}

// slapd with a session log: a resumed refresh names the deletes since the cookie.
class SyncreplSessionLogTest : public SyncreplFollowerTest {
 protected:
  void SetUp() override {
    // Read by slapd.sh when it writes slapd.conf (the first start).
    ScopedEnv session_log("SLAPD_SESSIONLOG", "100");
    SyncreplFollowerTest::SetUp();
  }
};

TEST_F(SyncreplSessionLogTest, ResumedRefreshWithSessionLogReportsExplicitDeletes) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  follower->Stop();

  const std::string grace = Anchor("uid=grace" + kPeople);
  server_->Modify("dn: uid=grace" + kPeople + "\nchangetype: delete\n");
  server_->Add("dn: uid=zoe" + kPeople +
               "\nobjectClass: inetOrgPerson\nuid: zoe\ncn: Zoe Zhou\nsn: Zhou\n");

  Result<FollowBatch> resumed = follower->Start(start->position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  // Delete mode: the departure is an event, and no present set claims to be complete.
  EXPECT_FALSE(resumed->users_present.has_value());
  EXPECT_NE(FindGone(resumed->events, Kind::kUserGone, grace), nullptr);
  const DirectoryEvent* put = FindUserPut(resumed->events, "zoe");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->user.anchor, Anchor("uid=zoe" + kPeople));
  for (const DirectoryEvent& e : resumed->events) {
    switch (e.kind) {
      case Kind::kUserGone:
        EXPECT_EQ(e.anchor, grace);
        break;
      case Kind::kUserPut:
        EXPECT_EQ(e.user.login, "zoe");
        break;
      case Kind::kGroupGone:
        // slapd's session log does not filter by base: the groups session is told of
        // grace's delete too. An anchor the caller does not know is nothing to remove.
        EXPECT_EQ(e.anchor, grace);
        break;
      case Kind::kGroupPut:
      case Kind::kGroupMembers:  // syncrepl sends whole entries, never member deltas
        ADD_FAILURE() << "unexpected group " << e.group.dn;
        break;
    }
  }
}

TEST_F(SyncreplFollowerTest, StoppedServerIsAnErrorNotAnEmptyDirectory) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();

  server_->Stop();
  Status error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (error.ok() && std::chrono::steady_clock::now() < deadline) {
    Result<FollowBatch> batch = follower->Next(std::chrono::milliseconds(500), -1);
    if (!batch.ok()) {
      error = batch.status();
      break;
    }
    EXPECT_TRUE(batch->events.empty());
    EXPECT_FALSE(batch->users_present.has_value());
  }
  ASSERT_FALSE(error.ok()) << "Next never reported the stopped server";
  EXPECT_EQ(error.code(), ErrorCode::kDirectory);
  EXPECT_NE(error.message().find("users sync session"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find(server_->url()), std::string::npos) << error.message();

  Result<FollowBatch> restart = follower->Start(start->position);
  ASSERT_FALSE(restart.ok()) << restart->events.size() << " events";
  EXPECT_EQ(restart.status().code(), ErrorCode::kDirectory);
  Result<FollowBatch> fresh = follower->Start("");
  ASSERT_FALSE(fresh.ok());
  EXPECT_EQ(fresh.status().code(), ErrorCode::kDirectory);

  // Back up: following resumes from the last position.
  server_->Restart();
  Result<FollowBatch> resumed = follower->Start(start->position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(resumed->events.empty());
}

TEST_F(SyncreplFollowerTest, WakeFdEndsTheWait) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  ASSERT_TRUE(follower->Start("").ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  // Would wait an hour without the wake-up; the test's own timeout catches a hang.
  Result<FollowBatch> batch = follower->Next(std::chrono::hours(1), fds[0]);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->events.empty());
  EXPECT_TRUE(batch->position.empty());
  char byte = 0;
  EXPECT_EQ(read(fds[0], &byte, 1), 1);  // left for the caller to read
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyncreplFollowerTest, FollowsOverLdapsToo) {
  DirectoryConfig config = ClinicDirectoryConfig(server_->ldaps_url());
  config.tls_ca_file = server_->ca_file();
  std::unique_ptr<DirectoryFollower> follower = Follower(config);
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_EQ(start->events.size(), 14u);
  std::string ldif;
  for (int i = 0; i < 50; ++i) {
    ldif += "dn: uid=erin" + kPeople + "\nchangetype: modify\nreplace: sn\nsn: Evans" +
            std::to_string(i) + "\n\n";
  }
  server_->Modify(ldif);
  Events events = NextUntil(*follower, [](const Events& e) {
    return !e.empty() && e.back().user.last_name == "Evans49";
  });
  ASSERT_EQ(events.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(events[i].user.last_name, "Evans" + std::to_string(i));
}

TEST_F(SyncreplFollowerTest, MalformedPositionIsInvalidInput) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> batch = follower->Start("not a position");
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kInvalidInput);
}

TEST_F(SyncreplFollowerTest, CookieNewerThanTheServerRefreshesFromNothing) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  // As after restoring the directory from a backup: slapd refuses to resume from a state
  // it has not reached (unwillingToPerform), so the users are read again, with a complete
  // present set.
  Result<FollowBatch> batch =
      follower->Start(R"({"users": "rid=000,csn=20991231000000.000000Z#000000#000#000000"})");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->events.size(), 14u);
  ASSERT_TRUE(batch->users_present.has_value());
  ASSERT_TRUE(batch->groups_present.has_value());
  EXPECT_EQ(batch->users_present->size(), 8u);
  EXPECT_EQ(batch->groups_present->size(), 6u);
  const nlohmann::json position = nlohmann::json::parse(batch->position);
  EXPECT_EQ(position.at("users").get<std::string>().find("csn=2099"), std::string::npos)
      << batch->position;
}

TEST_F(SyncreplFollowerTest, OpenRefusesWhatSyncreplCannotFollow) {
  DirectoryConfig config = Config();
  config.change_detection = ChangeDetection::kDirsync;
  EXPECT_EQ(OpenDirectoryFollower(config, kServicePassword, clock_).status().code(),
            ErrorCode::kInvalidInput);
  config = Config();
  config.users.attributes.anchor = "employeeNumber";
  EXPECT_EQ(OpenDirectoryFollower(config, kServicePassword, clock_).status().code(),
            ErrorCode::kInvalidInput);
  config = Config();
  config.url = "ldap://ldap.example.invalid:389";
  Result<std::unique_ptr<DirectoryFollower>> remote =
      OpenDirectoryFollower(config, kServicePassword, clock_);
  EXPECT_EQ(remote.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(remote.status().message().find("plaintext"), std::string::npos)
      << remote.status().message();
}

class SyncreplLargeDirectoryTest : public SyncreplFollowerTest {
 protected:
  static constexpr int kGenerated = 600;
  std::vector<std::string> Ldifs() override {
    WriteFile(dir_.File("generated.ldif"), GeneratedUsersLdif(kGenerated));
    return {ClinicLdif(), dir_.File("generated.ldif")};
  }
  TempDir dir_;
};

TEST_F(SyncreplLargeDirectoryTest, RefreshBeyondTheServerSizeLimit) {
  std::unique_ptr<DirectoryFollower> follower = Follower();
  ASSERT_NE(follower, nullptr);
  Result<FollowBatch> start = follower->Start("");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  const std::size_t all = 8 + kGenerated;
  ASSERT_TRUE(start->users_present.has_value());
  EXPECT_EQ(start->users_present->size(), all);
  EXPECT_EQ(start->events.size(), all + 6);
  follower->Stop();

  // Resumed: the unchanged entries come in several syncIdSet batches.
  const std::string gone = Anchor("uid=gen00300" + kPeople);
  server_->Modify("dn: uid=gen00300" + kPeople + "\nchangetype: delete\n");
  Result<FollowBatch> resumed = follower->Start(start->position);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_TRUE(resumed->users_present.has_value());
  EXPECT_EQ(resumed->users_present->size(), all - 1);
  EXPECT_EQ(resumed->users_present->count(gone), 0u);
  EXPECT_EQ(Sorted(*resumed->users_present), UserAnchors(Snapshot()));

  // A plain account keeps the server's limit of 500: the refresh fails, it is not cut short.
  server_->Add(
      "dn: cn=limited,ou=services,dc=clinic,dc=example\n"
      "objectClass: applicationProcess\nobjectClass: simpleSecurityObject\n"
      "cn: limited\nuserPassword: limited-secret\n");
  DirectoryConfig config = Config();
  config.bind_dn = "cn=limited,ou=services,dc=clinic,dc=example";
  Result<std::unique_ptr<DirectoryFollower>> limited =
      OpenDirectoryFollower(config, "limited-secret", clock_);
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  Result<FollowBatch> cut = (*limited)->Start("");
  ASSERT_FALSE(cut.ok()) << cut->events.size() << " events";
  EXPECT_EQ(cut.status().code(), ErrorCode::kDirectory);
  EXPECT_NE(cut.status().message().find("Size limit exceeded"), std::string::npos)
      << cut.status().message();
  EXPECT_NE(cut.status().message().find("size=unlimited"), std::string::npos)
      << cut.status().message();
}

}  // namespace
}  // namespace pmbridge::testing
