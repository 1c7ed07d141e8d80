// End-to-end reconcile scenarios (issue: "What the tests must show"): the real binary
// against a real slapd and a real SQLite or PostgreSQL practice database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/scenarios/bridge_scenario.h"

namespace pmbridge::testing {
namespace {

constexpr const char* kPeopleBase = "ou=people,dc=clinic,dc=example";

std::string Dn(const std::string& uid) { return "uid=" + uid + "," + kPeopleBase; }

class ReconcileTest : public BridgeScenario {
 protected:
  // Reconciles the sample clinic once and checks it succeeded.
  void InitialReconcile() { Expect(0, {"reconcile"}); }

  void ExpectDisabled(const std::string& login, const std::string& reason_part) {
    std::optional<PmAccount> a = Account(login);
    ASSERT_TRUE(a.has_value()) << login << ": the row must be kept";
    EXPECT_FALSE(a->fields.active);
    EXPECT_FALSE(a->fields.super_user);
    EXPECT_FALSE(a->fields.access_security);
    EXPECT_TRUE(a->fields.rights.empty()) << a->fields.rights.ToString();
    EXPECT_TRUE(a->fields.providers.empty()) << a->fields.providers.ToString();
    EXPECT_NE(a->disabled_reason.find(reason_part), std::string::npos) << a->disabled_reason;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE login_id = '" + login +
                     "' AND disabled_at IS NOT NULL"),
              1);
  }
};

TEST_P(ReconcileTest, FirstReconcileCreatesTheEntitledPeople) {
  ProcessResult plan = Expect(2, {"plan"});
  EXPECT_NE(plan.out.find("Would create bob"), std::string::npos) << plan.out;
  InitialReconcile();

  CurrentState s = Db();
  EXPECT_EQ(s.accounts.size(), 7u);  // everyone but frank, who is in no mapped group
  EXPECT_EQ(s.links.size(), 7u);
  EXPECT_FALSE(Account("frank").has_value());

  std::optional<PmAccount> bob = Account("bob");
  ASSERT_TRUE(bob.has_value());
  EXPECT_TRUE(bob->fields.active);
  EXPECT_EQ(bob->auth_source, "directory");
  EXPECT_EQ(bob->fields.first_name, "Bob");
  EXPECT_EQ(bob->fields.last_name, "Brown");
  EXPECT_EQ(bob->fields.email, "bob@clinic.example");
  EXPECT_EQ(bob->fields.rights.ToString(), "patients:view+edit scheduling:view+edit+delete");
  EXPECT_EQ(bob->fields.providers.ToString(), "DRJONES,DRSMITH");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE password_hash IS NOT NULL"), 0);

  std::optional<PmAccount> alice = Account("alice");
  ASSERT_TRUE(alice.has_value());
  EXPECT_TRUE(alice->fields.super_user);
  EXPECT_TRUE(alice->fields.access_security);
  EXPECT_TRUE(alice->fields.providers.all());
  EXPECT_EQ(alice->fields.rights.Get("setup"), kAllRights);
  EXPECT_EQ(alice->fields.middle_initial, "M");

  // Every change has its audit row, and the chain verifies.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit"), 7);
  ProcessResult status = Expect(0, {"status"});
  EXPECT_NE(status.out.find("hash chain intact"), std::string::npos) << status.out;
}

TEST_P(ReconcileTest, ASecondRunFindsNothingToDo) {
  InitialReconcile();
  ProcessResult plan = Expect(0, {"plan"});
  EXPECT_NE(plan.out.find("Nothing to do"), std::string::npos) << plan.out;
  Expect(0, {"reconcile"});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit"), 7);
}

TEST_P(ReconcileTest, NestedGroupMembersAreEntitled) {
  InitialReconcile();
  std::optional<PmAccount> dave = Account("dave");  // in front-desk-temps, inside pm-front-desk
  ASSERT_TRUE(dave.has_value());
  EXPECT_EQ(dave->fields.rights.ToString(), "patients:view+edit scheduling:view+edit+delete");
  ProcessResult x = Expect(0, {"explain", "dave"});
  EXPECT_NE(x.out.find("through cn=front-desk-temps,ou=groups,dc=clinic,dc=example"),
            std::string::npos)
      << x.out;
}

TEST_P(ReconcileTest, SeveralGroupsGiveTheUnionAndAllProvidersWins) {
  InitialReconcile();
  std::optional<PmAccount> erin = Account("erin");  // front desk + nurses
  ASSERT_TRUE(erin.has_value());
  EXPECT_EQ(erin->fields.rights.ToString(),
            "patients:view+edit reports:view scheduling:view+edit+delete");
  EXPECT_EQ(erin->fields.providers.ToString(), "DRJONES,DRPATEL,DRSMITH");

  AddMember("pm-front-desk", "carol");  // billing (all providers) + front desk (two)
  Expect(0, {"reconcile"});
  std::optional<PmAccount> carol = Account("carol");
  ASSERT_TRUE(carol.has_value());
  EXPECT_TRUE(carol->fields.providers.all());
  EXPECT_EQ(carol->fields.rights.Get("patients"), kView | kEdit);
  EXPECT_EQ(carol->fields.rights.Get("payments"), kAllRights);
}

TEST_P(ReconcileTest, RightsChangeWhenGroupMembershipChanges) {
  InitialReconcile();
  const std::int64_t id = Account("bob")->user_id;
  RemoveMember("pm-front-desk", "bob");
  AddMember("pm-billing", "bob");
  ProcessResult plan = Expect(2, {"plan", "--format", "json"});
  nlohmann::json j = nlohmann::json::parse(plan.out);
  EXPECT_EQ(j["summary"]["update"], 1);
  EXPECT_EQ(j["changes"][0]["before"]["rights"]["scheduling"].size(), 3u);
  Expect(0, {"reconcile"});
  std::optional<PmAccount> bob = Account("bob");
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->user_id, id);
  EXPECT_EQ(bob->fields.rights.ToString(),
            "charges:view+edit payments:view+edit+delete reports:view");
  EXPECT_TRUE(bob->fields.providers.all());
}

TEST_P(ReconcileTest, LoginRenameKeepsTheSameUserId) {
  InitialReconcile();
  const std::int64_t id = Account("bob")->user_id;
  // A rename of the RDN, with the group memberships following it as the refint overlay
  // (or AD) would do.
  Ldif("dn: " + Dn("bob") + "\nchangetype: modrdn\nnewrdn: uid=robert\ndeleteoldrdn: 1\n");
  RemoveMember("pm-front-desk", "bob");
  AddMember("pm-front-desk", "robert");
  RemoveMember("staff-social", "bob");
  Expect(0, {"reconcile"});
  EXPECT_FALSE(Account("bob").has_value());
  std::optional<PmAccount> robert = Account("robert");
  ASSERT_TRUE(robert.has_value());
  EXPECT_EQ(robert->user_id, id);
  EXPECT_TRUE(robert->fields.active);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users"), 7);
}

TEST_P(ReconcileTest, DeletedEntryIsDisabledAndTheRowKept) {
  InitialReconcile();
  DeleteEntry(Dn("carol"));
  ProcessResult plan = Expect(2, {"plan"});
  EXPECT_NE(plan.out.find("Would disable carol"), std::string::npos) << plan.out;
  Expect(0, {"reconcile"});
  ExpectDisabled("carol", "no longer in the directory");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_user_rights r JOIN pm_users u ON u.user_id = "
                   "r.user_id WHERE u.login_id = 'carol'"),
            0);
}

TEST_P(ReconcileTest, LeavingEveryMappedGroupDisables) {
  InitialReconcile();
  RemoveMember("pm-billing", "grace");
  Expect(0, {"reconcile"});
  ExpectDisabled("grace", "not a member of any mapped group");
}

TEST_P(ReconcileTest, MovingOutOfTheBaseDisables) {
  InitialReconcile();
  Ldif("dn: " + Dn("hank") +
       "\nchangetype: modrdn\nnewrdn: uid=hank\ndeleteoldrdn: 1\nnewsuperior: "
       "ou=former,dc=clinic,dc=example\n");
  Expect(0, {"reconcile"});
  ExpectDisabled("hank", "moved out of ou=people,dc=clinic,dc=example");
}

TEST_P(ReconcileTest, ReEntitledPersonIsEnabledWithTheSameUserId) {
  InitialReconcile();
  const std::int64_t id = Account("grace")->user_id;
  RemoveMember("pm-billing", "grace");
  Expect(0, {"reconcile"});
  ExpectDisabled("grace", "not a member of any mapped group");
  AddMember("pm-billing", "grace");
  ProcessResult r = Expect(0, {"reconcile"});
  EXPECT_NE(r.out.find("Enabled grace"), std::string::npos) << r.out;
  std::optional<PmAccount> grace = Account("grace");
  ASSERT_TRUE(grace.has_value());
  EXPECT_EQ(grace->user_id, id);
  EXPECT_TRUE(grace->fields.active);
  EXPECT_TRUE(grace->fields.providers.all());
  EXPECT_TRUE(grace->disabled_reason.empty());
  EXPECT_EQ(
      Scalar("SELECT COUNT(*) FROM pm_users WHERE login_id = 'grace' AND disabled_at IS NULL"), 1);
}

TEST_P(ReconcileTest, TwoDirectoryEntriesWithOneLoginAreAConflict) {
  InitialReconcile();
  const PmAccount before = *Account("bob");
  // A second entry whose login is also "bob", in a mapped group.
  AddPerson("bob", "cn=Bob Other");
  Ldif(
      "dn: cn=pm-billing,ou=groups,dc=clinic,dc=example\nchangetype: modify\nadd: member\n"
      "member: cn=Bob Other,ou=people,dc=clinic,dc=example\n");
  // And remove the original bob from his group: without the conflict he would be updated.
  RemoveMember("pm-front-desk", "bob");
  AddMember("pm-nurses", "bob");
  ProcessResult plan = Expect(0, {"plan"});
  EXPECT_NE(plan.out.find("Conflict on login bob"), std::string::npos) << plan.out;
  Expect(0, {"reconcile"});
  const PmAccount after = *Account("bob");
  EXPECT_EQ(after.fields, before.fields);  // neither touched
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE login_id = 'bob'"), 1);
}

// A reconcile resolves each page of people while the directory reads the next. In pages
// of two, nearly everyone is resolved that way, and the plan is the one of a single page:
// the same creates, the same conflict, the same departure.
TEST_P(ReconcileTest, PagesOfTwoPeopleReconcileAsOnePageDoes) {
  InitialReconcile();
  AddPerson("bob", "cn=Bob Other");
  Ldif(
      "dn: cn=pm-billing,ou=groups,dc=clinic,dc=example\nchangetype: modify\nadd: member\n"
      "member: cn=Bob Other,ou=people,dc=clinic,dc=example\n");
  RemoveMember("pm-billing", "carol");
  AddPerson("gina");
  AddMember("pm-billing", "gina");
  const ProcessResult one_page = Expect(0, {"reconcile", "--dry-run"});
  EXPECT_NE(one_page.out.find("Conflict on login bob"), std::string::npos) << one_page.out;
  EXPECT_NE(one_page.out.find("create gina"), std::string::npos) << one_page.out;
  page_size_ = "2";
  WriteConfig();
  EXPECT_EQ(Expect(0, {"reconcile", "--dry-run"}).out, one_page.out);
  Expect(0, {"reconcile"});
  EXPECT_TRUE(Account("gina").has_value());
  const ProcessResult after = Expect(0, {"reconcile", "--dry-run"});
  EXPECT_EQ(after.out.find("create gina"), std::string::npos) << after.out;
}

TEST_P(ReconcileTest, UnmanagedPmAccountWithTheSameLoginIsAConflict) {
  Sql("INSERT INTO pm_users (login_id, last_name, first_name, active, super_user, "
      "access_security, all_providers, auth_source, created_at, updated_at) VALUES ('grace', "
      "'Local', 'Grace', 1, 0, 0, 0, 'local', '2020-01-01T00:00:00.000Z', "
      "'2020-01-01T00:00:00.000Z')");
  ProcessResult plan = Expect(2, {"plan", "--format", "json"});
  nlohmann::json j = nlohmann::json::parse(plan.out);
  ASSERT_EQ(j["conflicts"].size(), 1u);
  EXPECT_EQ(j["conflicts"][0]["login"], "grace");
  Expect(0, {"reconcile"});
  std::optional<PmAccount> grace = Account("grace");
  ASSERT_TRUE(grace.has_value());
  EXPECT_EQ(grace->auth_source, "local");
  EXPECT_EQ(grace->fields.last_name, "Local");
  EXPECT_TRUE(grace->fields.rights.empty());
  EXPECT_FALSE(IsManaged("grace"));
}

TEST_P(ReconcileTest, ProtectedLoginsAreNeverTouched) {
  Sql("INSERT INTO pm_users (login_id, last_name, first_name, active, super_user, "
      "access_security, all_providers, auth_source, created_at, updated_at) VALUES "
      "('breakglass', 'Glass', 'Break', 1, 1, 1, 1, 'local', '2020-01-01T00:00:00.000Z', "
      "'2020-01-01T00:00:00.000Z')");
  AddPerson("breakglass");
  AddMember("pm-front-desk", "breakglass");
  ProcessResult r = Expect(0, {"reconcile"});
  EXPECT_NE(r.out.find("protected login breakglass"), std::string::npos) << r.out;
  std::optional<PmAccount> bg = Account("breakglass");
  ASSERT_TRUE(bg.has_value());
  EXPECT_TRUE(bg->fields.super_user);
  EXPECT_EQ(bg->auth_source, "local");
  EXPECT_FALSE(IsManaged("breakglass"));
}

TEST_P(ReconcileTest, SuperUserCapIsRefusedAndNothingChanges) {
  InitialReconcile();
  const long long audit = Scalar("SELECT COUNT(*) FROM pmbridge_audit");
  AddMember("pm-admins", "bob");  // a third super user; the cap is 2
  DeleteEntry(Dn("grace"));       // and a departure in the same run
  ProcessResult r = Expect(3, {"reconcile"});
  EXPECT_NE(r.err.find("max_super_users"), std::string::npos) << r.err;
  EXPECT_FALSE(Account("bob")->fields.super_user);
  EXPECT_TRUE(Account("grace")->fields.active);  // nothing changed at all
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit"), audit);
  Expect(3, {"reconcile", "--force"});  // --force does not lift the cap
}

TEST_P(ReconcileTest, UnreachableDirectoryChangesNothing) {
  InitialReconcile();
  const CurrentState before = Db();
  slapd_->Stop();
  ProcessResult r = Expect(1, {"reconcile"});
  EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r.err;
  Expect(1, {"plan"});
  const CurrentState after = Db();
  ASSERT_EQ(after.accounts.size(), before.accounts.size());
  for (std::size_t i = 0; i < after.accounts.size(); ++i) {
    EXPECT_EQ(after.accounts[i].fields, before.accounts[i].fields);
  }
}

TEST_P(ReconcileTest, EmptyUserResultWithManagedAccountsIsRefused) {
  InitialReconcile();
  users_filter_ = "(&(objectClass=inetOrgPerson)(uid=nobody-has-this-login))";
  WriteConfig();
  ProcessResult r = Expect(3, {"reconcile"});
  EXPECT_NE(r.err.find("returned no users"), std::string::npos) << r.err;
  EXPECT_TRUE(Account("alice")->fields.active);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users WHERE active = 1"), 7);
}

TEST_P(ReconcileTest, MassDisableGuardRefusesAndForceApplies) {
  InitialReconcile();
  max_disables_ = "1";
  WriteConfig();
  DeleteEntry(Dn("carol"));
  DeleteEntry(Dn("grace"));
  ProcessResult r = Expect(3, {"reconcile"});
  EXPECT_NE(r.err.find("2 accounts would be disabled"), std::string::npos) << r.err;
  EXPECT_TRUE(Account("carol")->fields.active);
  EXPECT_TRUE(Account("grace")->fields.active);
  Expect(0, {"reconcile", "--dry-run", "--force"});
  EXPECT_TRUE(Account("carol")->fields.active);
  Expect(0, {"reconcile", "--force"});
  ExpectDisabled("carol", "no longer in the directory");
  ExpectDisabled("grace", "no longer in the directory");
}

TEST_P(ReconcileTest, ASingleDepartureIsAppliedUnderAPercentageGuard) {
  InitialReconcile();
  max_disables_ = "5%";  // 5% of 7 rounds to 0, but one departure is always allowed
  WriteConfig();
  DeleteEntry(Dn("carol"));
  Expect(0, {"reconcile"});
  ExpectDisabled("carol", "no longer in the directory");
}

TEST_P(ReconcileTest, AReconcileKilledMidApplyLeavesNothingAndTheNextConverges) {
  ProcessResult killed = Pmbridge({"reconcile"}, {{"PMBRIDGE_TEST_KILL_AFTER_CHANGES", "3"}});
  EXPECT_EQ(killed.signal, SIGKILL) << killed.out << killed.err;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_links"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_user_rights"), 0);
  Expect(0, {"reconcile"});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users"), 7);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_links"), 7);
  Expect(0, {"plan"});

  // And killed in the middle of a run with disables and updates.
  DeleteEntry(Dn("carol"));
  RemoveMember("pm-front-desk", "bob");
  AddMember("pm-billing", "bob");
  killed = Pmbridge({"reconcile"}, {{"PMBRIDGE_TEST_KILL_AFTER_CHANGES", "1"}});
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_TRUE(Account("carol")->fields.active);
  Expect(0, {"reconcile"});
  ExpectDisabled("carol", "no longer in the directory");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users"), 7);
  Expect(0, {"plan"});
  Expect(0, {"status"});
}

TEST_P(ReconcileTest, ExplainNamesTheGroupAndTheRule) {
  InitialReconcile();
  ProcessResult x = Expect(0, {"explain", "erin"});
  EXPECT_NE(x.out.find("cn=pm-nurses,ou=groups,dc=clinic,dc=example -> role clinical"),
            std::string::npos)
      << x.out;
  EXPECT_NE(x.out.find("clinic.yaml:"), std::string::npos) << x.out;
  ProcessResult j = Expect(0, {"explain", "alice", "--format", "json"});
  nlohmann::json doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["flags"][0]["what"], "super user");
  Expect(0, {"explain", "frank"});  // in the directory, not entitled
  Expect(1, {"explain", "nobody"});
}

TEST_P(ReconcileTest, CheckConnectReportsUnknownProviders) {
  Expect(0, {"check", "--connect"});
  Sql("DELETE FROM pm_providers WHERE code = 'DRPATEL'");
  ProcessResult r = Expect(1, {"check", "--connect"});
  EXPECT_NE(r.err.find("DRPATEL"), std::string::npos) << r.err;
  Expect(1, {"plan"});
}

TEST_P(ReconcileTest, CheckReportsConfigAndMappingErrorsInOneRun) {
  WriteFile(dir_->File("bridge.yaml"), ReadFile(dir_->File("bridge.yaml")) + "bogus_key: 1\n");
  std::string mapping = ClinicMapping();
  mapping.replace(mapping.find("role: billing"), 13, "role: biling");
  WriteMapping(mapping);
  ProcessResult r = Expect(1, {"check"});
  EXPECT_NE(r.err.find("bridge.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key `bogus_key`"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("clinic.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean `billing`?"), std::string::npos) << r.err;
  Expect(1, {"reconcile"});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pm_users"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReconcileTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace pmbridge::testing
