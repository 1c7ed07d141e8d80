// `pmbridge run` end to end against Active Directory: the real binary following a real
// Samba AD DC through DirSync and through uSNChanged polling, into SQLite and PostgreSQL.
// The sample clinic is rebuilt in AD (OU=Clinic) with the same people, groups and mapping.
// Outcomes are awaited with a generous deadline; nothing here measures time.
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/scenarios/daemon_scenario.h"
#include "tests/support/ad_directory_admin.h"
#include "tests/support/samba_server.h"

namespace pmbridge::testing {
namespace {

using std::chrono::seconds;

const std::string kClinic = std::string("OU=Clinic,") + kAdBaseDn;
const std::string kPeopleOu = "OU=People," + kClinic;
const std::string kGroupsOu = "OU=Groups," + kClinic;
const std::string kFormerOu = "OU=Former," + kClinic;

std::string PersonDn(const std::string& login) { return "CN=" + login + "," + kPeopleOu; }
std::string GroupDn(const std::string& cn) { return "CN=" + cn + "," + kGroupsOu; }

// mappings/clinic.yaml with its group DNs moved to the AD clinic.
std::string AdClinicMapping() {
  std::string text = ClinicMapping();
  const std::string from = ",ou=groups,dc=clinic,dc=example";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), "," + kGroupsOu);
  }
  return text;
}

class AdDaemonScenario : public DaemonScenario {
 protected:
  explicit AdDaemonScenario(std::string change_detection)
      : change_detection_(std::move(change_detection)) {}

  void SetUp() override {
    DaemonScenario::SetUp();
    if (HasFatalFailure()) return;
    WriteMapping(AdClinicMapping());
  }
  void TearDown() override {
    DaemonScenario::TearDown();
    ad_.reset();
    dc_.reset();
  }

  // The sample clinic of tests/fixtures/clinic.ldif, in AD.
  void StartDirectory() override {
    dc_ = SambaServer::Start();
    ad_ = std::make_unique<AdDirectoryAdmin>(*dc_);
    ad_->CreateOu(kAdBaseDn, "Clinic");
    for (const char* ou : {"People", "Groups", "Former"}) ad_->CreateOu(kClinic, ou);
    for (const char* login : {"alice", "hank", "bob", "carol", "dave", "erin", "frank", "grace"}) {
      AddPerson(login);
    }
    ad_->CreateGroup(kGroupsOu, "front-desk-temps", {PersonDn("dave")});
    ad_->CreateGroup(kGroupsOu, "pm-front-desk",
                     {PersonDn("bob"), PersonDn("erin"), GroupDn("front-desk-temps")});
    ad_->CreateGroup(kGroupsOu, "pm-billing", {PersonDn("carol"), PersonDn("grace")});
    ad_->CreateGroup(kGroupsOu, "pm-nurses", {PersonDn("erin")});
    ad_->CreateGroup(kGroupsOu, "pm-admins", {PersonDn("alice"), PersonDn("hank")});
    ad_->CreateGroup(kGroupsOu, "staff-social", {PersonDn("frank"), PersonDn("bob")});
    WriteFile(dir_->File("ldap.secret"), dc_->admin_password());
  }

  std::string DirectorySection() override {
    std::string c;
    auto line = [&c](const std::string& text) { c += text + "\n"; };
    line("directory:");
    line("  flavor: active_directory");
    line("  url: " + dc_->url());
    line("  bind_dn: \"" + dc_->admin_dn() + "\"");
    line("  bind_password_file: ldap.secret");
    line("  timeout: 5s");
    line("  change_detection: " + change_detection_);
    line("  poll_interval: 200ms");
    line("  users:");
    line("    base_dn: \"" + kPeopleOu + "\"");
    line("  groups:");
    line("    base_dn: \"" + kGroupsOu + "\"");
    return c;
  }

  void AddPerson(const std::string& login) {
    AdUser user;
    user.cn = login;
    user.sam_account_name = login;
    user.given_name = login;
    user.sn = "Person";
    user.mail = login + "@clinic.example";
    ad_->CreateUser(kPeopleOu, user);
  }

  // Everyday changes: a hire, a group change, disable and re-enable in AD, a deletion
  // (tombstone), a nested group change.
  void FollowsEverydayChanges() {
    StartDaemon();
    for (const char* login : {"alice", "hank", "bob", "carol", "dave", "erin", "grace"}) {
      EXPECT_TRUE(Active(login)) << login;
    }
    EXPECT_FALSE(Account("frank").has_value());  // in no mapped group

    AddPerson("zoe");
    ad_->AddMembers(GroupDn("pm-billing"), {PersonDn("zoe")});
    ASSERT_TRUE(Eventually([&] { return Active("zoe"); })) << daemon_->Log();
    EXPECT_TRUE(Holds(Account("zoe"), "charges", kEdit));

    ASSERT_TRUE(Holds(Account("erin"), "scheduling", kDelete));
    ad_->RemoveMembers(GroupDn("pm-front-desk"), {PersonDn("erin")});
    ASSERT_TRUE(Eventually([&] { return !Holds(Account("erin"), "scheduling", kDelete); }))
        << daemon_->Log();
    EXPECT_TRUE(Active("erin"));
    EXPECT_TRUE(Holds(Account("erin"), "patients", kEdit));  // still a nurse

    ad_->SetUserAccountControl(PersonDn("carol"), kUacEnabledWithoutPassword | kUacAccountDisable);
    ASSERT_TRUE(Eventually([&] { return Disabled("carol"); })) << daemon_->Log();
    ad_->SetUserAccountControl(PersonDn("carol"), kUacEnabledWithoutPassword);
    ASSERT_TRUE(Eventually([&] { return Active("carol"); })) << daemon_->Log();
    EXPECT_TRUE(Holds(Account("carol"), "payments", kDelete));

    ad_->Delete(PersonDn("grace"));
    ASSERT_TRUE(Eventually([&] { return Disabled("grace"); })) << daemon_->Log();
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit WHERE login_id = 'grace' AND action = "
                     "'disable' AND detail LIKE '%\"event\":\"directory change (" +
                     change_detection_ + ")\"%'"),
              1);

    ad_->RemoveMembers(GroupDn("pm-front-desk"), {GroupDn("front-desk-temps")});
    ASSERT_TRUE(Eventually([&] { return Disabled("dave"); })) << daemon_->Log();

    for (const char* login : {"alice", "hank", "bob", "carol", "erin", "zoe"}) {
      EXPECT_TRUE(Active(login)) << login;
    }
    const std::string state = change_detection_ == "dirsync" ? "dirsync_cookie" : "usn";
    EXPECT_TRUE(Text("SELECT value FROM pmbridge_state WHERE name = '" + state + "'"));
    StopDaemon();
  }

  // Waits until the daemon has applied everything done in AD so far: a hire into a mapped
  // group is applied after every earlier change (events are applied in order).
  void AwaitCaughtUp(const std::string& login) {
    AddPerson(login);
    ad_->AddMembers(GroupDn("pm-nurses"), {PersonDn(login)});
    ASSERT_TRUE(Eventually([&] { return Active(login); })) << daemon_->Log();
  }

  // A rename keeps the person (objectGUID) and their groups; a move out of the users base
  // is a departure; a deleted user's DN given to a new hire grants nothing.
  void FollowsRenamesAndMoves() {
    StartDaemon();
    ad_->Rename(PersonDn("bob"), "CN=robert");
    ad_->Move(PersonDn("hank"), kFormerOu);
    ASSERT_TRUE(Eventually([&] { return Disabled("hank"); })) << daemon_->Log();
    AwaitCaughtUp("zoe");
    EXPECT_TRUE(Active("bob"));
    EXPECT_TRUE(Holds(Account("bob"), "scheduling", kDelete));
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit WHERE login_id = 'bob' AND action = "
                     "'disable'"),
              0);

    // grace (a biller) is deleted; a newcomer is then given her DN.
    ad_->Delete(PersonDn("grace"));
    ASSERT_TRUE(Eventually([&] { return Disabled("grace"); })) << daemon_->Log();
    AdUser newcomer;
    newcomer.cn = "grace";
    newcomer.sam_account_name = "grace2";
    ad_->CreateUser(kPeopleOu, newcomer);
    AwaitCaughtUp("yves");
    EXPECT_FALSE(Account("grace2").has_value()) << "the deleted grace's billing rights leaked";
    StopDaemon();
  }

  // An accountExpires set in AD passes while the daemon runs: nothing changes in the
  // directory at that moment, yet the person is disabled then, not at the next full
  // reconcile an hour later.
  void DisablesWhenAnAccountExpires() {
    StartDaemon();
    ad_->SetAccountExpires(PersonDn("erin"), std::chrono::system_clock::now() + seconds(3));
    AwaitCaughtUp("zoe");
    EXPECT_TRUE(Active("erin"));  // not yet
    ASSERT_TRUE(Eventually([&] { return Disabled("erin"); })) << daemon_->Log();
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit WHERE login_id = 'erin' AND action = "
                     "'disable' AND detail LIKE '%expired in the directory (accountExpires%'"),
              1);
    EXPECT_TRUE(Active("bob"));
  }

  // The commands read AD the same way: reconcile, then a person disabled in AD shows in
  // the plan with the directory's reason and is disabled by the next reconcile.
  void ReconcileCommandReadsActiveDirectory() {
    Expect(0, {"reconcile"});
    for (const char* login : {"alice", "hank", "bob", "carol", "dave", "erin", "grace"}) {
      EXPECT_TRUE(Active(login)) << login;
    }
    ad_->SetUserAccountControl(PersonDn("carol"), kUacEnabledWithoutPassword | kUacAccountDisable);
    ProcessResult plan = Expect(2, {"plan"});
    EXPECT_NE(plan.out.find("disabled in the directory (userAccountControl ACCOUNTDISABLE)"),
              std::string::npos)
        << plan.out;
    Expect(0, {"reconcile"});
    EXPECT_TRUE(Disabled("carol"));
    EXPECT_TRUE(Active("erin"));
  }

  // Stopped, then a departure and a hire: both applied when it starts again, from the
  // stored position.
  void ResumesAfterARestart() {
    StartDaemon();
    StopDaemon();
    ad_->Delete(PersonDn("grace"));
    AddPerson("zoe");
    ad_->AddMembers(GroupDn("pm-nurses"), {PersonDn("zoe")});
    StartDaemon();
    ASSERT_TRUE(Eventually([&] { return Disabled("grace") && Active("zoe"); })) << daemon_->Log();
    EXPECT_TRUE(Logged("resumed=true")) << daemon_->Log();
    for (const char* login : {"alice", "hank", "bob", "carol", "dave", "erin"}) {
      EXPECT_TRUE(Active(login)) << login;
    }
  }

  // A mapped group of 1,600 members (real AD hands out member in slices of 1,500; the
  // bridge asks for slices itself): everyone is created, and a change to the group
  // reaches exactly the member concerned.
  void FollowsAGroupOfMoreThan1500Members() {
    std::vector<std::string> staff = ad_->CreateUsers(kPeopleOu, "staff", 1600);
    ad_->AddMembers(GroupDn("pm-nurses"), staff);
    StartDaemon();
    EXPECT_TRUE(Active("staff00000"));
    EXPECT_TRUE(Active("staff01599"));
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE login_id LIKE 'staff%' AND active = 1"),
              1600);
    ad_->RemoveMembers(GroupDn("pm-nurses"), {staff[1234]});
    ASSERT_TRUE(Eventually([&] { return Disabled("staff01234"); })) << daemon_->Log();
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE login_id LIKE 'staff%' AND active = 1"),
              1599);
  }

  std::string change_detection_;
  std::unique_ptr<SambaServer> dc_;
  std::unique_ptr<AdDirectoryAdmin> ad_;
};

class DirSyncDaemon : public AdDaemonScenario {
 protected:
  DirSyncDaemon() : AdDaemonScenario("dirsync") {}
};

class UsnDaemon : public AdDaemonScenario {
 protected:
  UsnDaemon() : AdDaemonScenario("usn") {}
};

TEST_P(DirSyncDaemon, FollowsEverydayChanges) { FollowsEverydayChanges(); }
TEST_P(DirSyncDaemon, ReconcileCommandReadsActiveDirectory) {
  ReconcileCommandReadsActiveDirectory();
}
TEST_P(DirSyncDaemon, FollowsRenamesAndMoves) { FollowsRenamesAndMoves(); }
TEST_P(DirSyncDaemon, ResumesAfterARestart) { ResumesAfterARestart(); }
TEST_P(DirSyncDaemon, DisablesWhenAnAccountExpires) { DisablesWhenAnAccountExpires(); }
TEST_P(DirSyncDaemon, FollowsAGroupOfMoreThan1500Members) { FollowsAGroupOfMoreThan1500Members(); }

TEST_P(UsnDaemon, FollowsEverydayChanges) { FollowsEverydayChanges(); }
TEST_P(UsnDaemon, FollowsRenamesAndMoves) { FollowsRenamesAndMoves(); }
TEST_P(UsnDaemon, ResumesAfterARestart) { ResumesAfterARestart(); }
TEST_P(UsnDaemon, DisablesWhenAnAccountExpires) { DisablesWhenAnAccountExpires(); }
TEST_P(UsnDaemon, FollowsAGroupOfMoreThan1500Members) { FollowsAGroupOfMoreThan1500Members(); }

INSTANTIATE_TEST_SUITE_P(Backends, DirSyncDaemon,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);
// uSNChanged polling reaches the database through the same code as DirSync.
INSTANTIATE_TEST_SUITE_P(Backends, UsnDaemon, ::testing::Values(Backend::kSqlite), BackendName);

}  // namespace
}  // namespace pmbridge::testing
