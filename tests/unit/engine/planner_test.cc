#include "bridge/planner.h"

#include <gtest/gtest.h>

#include "bridge/resolver.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge {
namespace {

using testing::ClinicBuilder;
using testing::PmStateBuilder;

Plan PlanFor(const ClinicBuilder& b, const CurrentState& current) {
  DesiredState d = Resolve(b.snapshot(), b.mapping(), current.catalog, ResolveOptions{});
  return MakePlan(current, d, b.mapping().policy, PlanOptions{testing::kPeople});
}

// The account the bridge would make for `uid` today.
AccountFields Desired(const ClinicBuilder& b, const std::string& uid) {
  DesiredState d =
      Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), ResolveOptions{});
  for (const Entitlement& e : d.entitled) {
    if (e.user->login == uid) return DesiredFields(e);
  }
  ADD_FAILURE() << uid << " not entitled";
  return {};
}

TEST(PlannerTest, EntitledPersonWithoutAccountIsCreated) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  Plan plan = PlanFor(b, PmStateBuilder().state());
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, ChangeAction::kCreate);
  EXPECT_EQ(plan.changes[0].anchor, "uuid-bob");
  EXPECT_FALSE(plan.changes[0].user_id.has_value());
}

TEST(PlannerTest, InSyncAccountIsUnchanged) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  Plan plan = PlanFor(b, PmStateBuilder().Account(7, Desired(b, "bob"), true).state());
  EXPECT_FALSE(plan.has_changes());
  EXPECT_EQ(plan.unchanged, 1);
}

// A whole-state read returns the accounts in user_id order, but the plan does not depend
// on it: accounts in any order are found by their links.
TEST(PlannerTest, AccountsInAnyOrderAreFoundByTheirLinks) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  b.Person("carol").Member("pm-front-desk", "carol");
  b.Person("dave").Member("pm-front-desk", "dave");
  AccountFields dave = Desired(b, "dave");
  dave.email = "old@clinic.example";
  CurrentState current = PmStateBuilder()
                             .Account(30, Desired(b, "carol"), true)
                             .Account(10, dave, true)
                             .Account(20, Desired(b, "bob"), true)
                             .state();
  Plan plan = PlanFor(b, current);
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, ChangeAction::kUpdate);
  EXPECT_EQ(plan.changes[0].user_id, 10);
  EXPECT_EQ(plan.unchanged, 2);
}

// pmbridge_links.anchor is unique, but the plan does not depend on it: every link of an
// entitled person's anchor is theirs, and none of them is disabled.
TEST(PlannerTest, NoLinkOfAnEntitledAnchorIsDisabled) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  AccountFields old_bob = Desired(b, "bob");
  old_bob.login = "bob.old";
  CurrentState current = PmStateBuilder()
                             .Account(7, Desired(b, "bob"), true, "uuid-bob")
                             .Account(8, old_bob, true, "uuid-bob")
                             .state();
  Plan plan = PlanFor(b, current);
  EXPECT_FALSE(plan.has_changes());
  EXPECT_EQ(plan.unchanged, 1);
}

TEST(PlannerTest, GroupChangeUpdatesRights) {
  ClinicBuilder before;
  before.Person("bob").Member("pm-front-desk", "bob");
  ClinicBuilder after;
  after.Person("bob").Member("pm-billing", "bob");
  Plan plan = PlanFor(after, PmStateBuilder().Account(7, Desired(before, "bob"), true).state());
  ASSERT_EQ(plan.changes.size(), 1u);
  const Change& c = plan.changes[0];
  EXPECT_EQ(c.action, ChangeAction::kUpdate);
  EXPECT_EQ(*c.user_id, 7);
  EXPECT_EQ(c.after.rights.ToString(), "charges:view+edit payments:view+edit+delete reports:view");
  EXPECT_TRUE(c.after.providers.all());
}

TEST(PlannerTest, LoginRenameKeepsTheUserId) {
  ClinicBuilder b;
  b.Person("robert", "uuid-bob").Member("pm-front-desk", "robert");
  AccountFields old = Desired(b, "robert");
  old.login = "bob";
  Plan plan = PlanFor(b, PmStateBuilder().Account(7, old, true, "uuid-bob").state());
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, ChangeAction::kUpdate);
  EXPECT_EQ(*plan.changes[0].user_id, 7);
  EXPECT_EQ(plan.changes[0].after.login, "robert");
  EXPECT_EQ(plan.changes[0].reasons[0], "login renamed in the directory: bob -> robert");
}

TEST(PlannerTest, DepartedPersonIsDisabledWithEverythingRemoved) {
  ClinicBuilder b;
  b.Person("alice").Member("pm-admins", "alice");
  AccountFields alice = Desired(b, "alice");
  ClinicBuilder gone;  // alice's entry is gone
  Plan plan = PlanFor(gone, PmStateBuilder().Account(3, alice, true).state());
  ASSERT_EQ(plan.changes.size(), 1u);
  const Change& c = plan.changes[0];
  EXPECT_EQ(c.action, ChangeAction::kDisable);
  EXPECT_FALSE(c.after.active);
  EXPECT_FALSE(c.after.super_user);
  EXPECT_FALSE(c.after.access_security);
  EXPECT_TRUE(c.after.rights.empty());
  EXPECT_TRUE(c.after.providers.empty());
  EXPECT_EQ(c.after.login, "alice");
  EXPECT_NE(c.disabled_reason.find("deleted or moved out of ou=people"), std::string::npos);
}

TEST(PlannerTest, LeavingEveryMappedGroupDisablesWithThatReason) {
  ClinicBuilder before;
  before.Person("bob").Member("pm-front-desk", "bob");
  ClinicBuilder after;
  after.Person("bob");
  Plan plan = PlanFor(after, PmStateBuilder().Account(7, Desired(before, "bob"), true).state());
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].disabled_reason, "not a member of any mapped group");
  EXPECT_EQ(plan.changes[0].dn, testing::UserDn("bob"));
}

TEST(PlannerTest, AlreadyDisabledAccountIsLeftAlone) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  AccountFields disabled = DisabledFields(Desired(b, "bob"));
  Plan plan = PlanFor(ClinicBuilder(), PmStateBuilder().Account(7, disabled, true).state());
  EXPECT_FALSE(plan.has_changes());
}

TEST(PlannerTest, ReEntitledPersonIsEnabledWithTheSameUserId) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  AccountFields disabled = DisabledFields(Desired(b, "bob"));
  Plan plan = PlanFor(b, PmStateBuilder().Account(7, disabled, true).state());
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, ChangeAction::kEnable);
  EXPECT_EQ(*plan.changes[0].user_id, 7);
  EXPECT_TRUE(plan.changes[0].after.active);
}

TEST(PlannerTest, UnmanagedAccountWithTheLoginIsAConflictAndUntouched) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  AccountFields local;
  local.login = "BOB";
  Plan plan = PlanFor(b, PmStateBuilder().Account(1, local, false).state());
  EXPECT_FALSE(plan.has_changes());
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_NE(plan.conflicts[0].message.find("unmanaged"), std::string::npos);
}

TEST(PlannerTest, ConflictedPeopleAreNeverDisabled) {
  ClinicBuilder b;
  b.Person("jdoe", "uuid-1").Member("pm-front-desk", "jdoe");
  DirectorySnapshot snapshot = b.snapshot();
  DirectoryUser twin = snapshot.users[0];
  twin.anchor = "uuid-2";
  twin.dn = "uid=jdoe2,ou=people,dc=clinic,dc=example";
  snapshot.users.push_back(twin);
  snapshot.groups[0].members.push_back(twin.dn);
  AccountFields jdoe = Desired(b, "jdoe");
  CurrentState current = PmStateBuilder().Account(4, jdoe, true, "uuid-1").state();
  DesiredState d = Resolve(snapshot, b.mapping(), current.catalog, ResolveOptions{});
  Plan plan = MakePlan(current, d, b.mapping().policy, PlanOptions{});
  EXPECT_FALSE(plan.has_changes());
  EXPECT_EQ(plan.conflicts.size(), 1u);
}

TEST(PlannerTest, ProtectedLoginsAreNeverTouched) {
  ClinicBuilder b;
  b.Protect("breakglass");
  b.Person("breakglass").Member("pm-admins", "breakglass");
  AccountFields bg;
  bg.login = "breakglass";
  bg.super_user = true;
  // Managed but protected, and its person not entitled: still not disabled.
  ClinicBuilder empty;
  empty.Protect("breakglass");
  Plan plan = PlanFor(empty, PmStateBuilder().Account(1, bg, true).state());
  EXPECT_FALSE(plan.has_changes());
  // Entitled but protected: not created.
  plan = PlanFor(b, PmStateBuilder().state());
  EXPECT_FALSE(plan.has_changes());
}

// A reconcile that applies its plan moves the fields out of the desired state instead of
// copying them; the plan must not change by it.
TEST(PlannerTest, TakingTheDesiredStateGivesTheSamePlan) {
  ClinicBuilder before;
  before.Person("bob").Member("pm-front-desk", "bob");
  before.Person("erin").Member("pm-nurses", "erin");
  ClinicBuilder after;
  after.Person("bob").Member("pm-billing", "bob");     // update
  after.Person("carol").Member("pm-nurses", "carol");  // create
  after.Person("dave")
      .Member("front-desk-temps", "dave")
      .Member("pm-front-desk", "group:front-desk-temps");  // create, nested
  // erin is gone: disable
  const CurrentState current = PmStateBuilder()
                                   .Account(7, Desired(before, "bob"), true)
                                   .Account(9, Desired(before, "erin"), true)
                                   .state();
  DesiredState kept = Resolve(after.snapshot(), after.mapping(), current.catalog, ResolveOptions{});
  DesiredState given =
      Resolve(after.snapshot(), after.mapping(), current.catalog, ResolveOptions{});
  const Plan copied =
      MakePlan(current, kept, after.mapping().policy, PlanOptions{testing::kPeople});
  const Plan moved =
      MakePlan(current, std::move(given), after.mapping().policy, PlanOptions{testing::kPeople});
  ASSERT_EQ(copied.changes.size(), 4u);
  EXPECT_EQ(moved.ToJson(), copied.ToJson());
  EXPECT_EQ(moved.ToString(), copied.ToString());
  // The copying overload left its desired state whole.
  EXPECT_EQ(kept.entitled.size(), 3u);
  for (const Entitlement& e : kept.entitled) EXPECT_FALSE(e.rights.empty());
}

TEST(PlannerTest, UnmanagedActiveAccountsAreWarnedSuperUsersFirst) {
  AccountFields demo;
  demo.login = "demo";
  demo.super_user = true;
  AccountFields clerk;
  clerk.login = "clerk";
  Plan plan = PlanFor(ClinicBuilder(),
                      PmStateBuilder().Account(1, clerk, false).Account(2, demo, false).state());
  ASSERT_EQ(plan.warnings.size(), 2u);
  EXPECT_NE(plan.warnings[0].find("super-user account demo"), std::string::npos);
}

}  // namespace
}  // namespace pmbridge
