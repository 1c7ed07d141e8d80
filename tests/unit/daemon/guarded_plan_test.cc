// The daemon's safety rules 5-7 (DESIGN.md): the sliding-window mass-disable guard, and the
// split of a finished plan into what flows now and what a rule holds back. Time is given
// as explicit steady_clock points, so nothing sleeps.
#include "bridge/daemon/guarded_plan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "bridge/disable_guard.h"
#include "bridge/plan.h"

namespace pmbridge::testing {
namespace {

using std::chrono::seconds;
using TimePoint = DisableGuard::TimePoint;

constexpr seconds kWindow{600};
const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

AccountFields Account(const std::string& login, bool active, bool super_user) {
  AccountFields f;
  f.login = login;
  f.active = active;
  f.super_user = super_user;
  return f;
}

Change Create(const std::string& login, bool super_user = false) {
  Change c;
  c.action = ChangeAction::kCreate;
  c.login = login;
  c.anchor = "uuid-" + login;
  c.after = Account(login, true, super_user);
  return c;
}

Change Update(const std::string& login, bool super_before, bool super_after) {
  Change c;
  c.action = ChangeAction::kUpdate;
  c.login = login;
  c.anchor = "uuid-" + login;
  c.user_id = 100;
  c.before = Account(login, true, super_before);
  c.after = Account(login, true, super_after);
  c.after.email = login + "@clinic.example";  // something else changes too
  return c;
}

Change Enable(const std::string& login, bool super_user) {
  Change c;
  c.action = ChangeAction::kEnable;
  c.login = login;
  c.anchor = "uuid-" + login;
  c.user_id = 101;
  // A disabled account keeps no rights, but its row may still say super_user.
  c.before = Account(login, false, super_user);
  c.after = Account(login, true, super_user);
  return c;
}

Change Disable(const std::string& login) {
  Change c;
  c.action = ChangeAction::kDisable;
  c.login = login;
  c.anchor = "uuid-" + login;
  c.user_id = 102;
  c.before = Account(login, true, false);
  c.after = Account(login, false, false);
  c.disabled_reason = "left the directory";
  return c;
}

Plan PlanOf(std::vector<Change> changes) {
  Plan p;
  p.changes = std::move(changes);
  return p;
}

PlanLimits Limits(int disable_limit) {
  PlanLimits l;
  l.disable_limit = disable_limit;
  l.disable_limit_text = std::to_string(disable_limit);
  l.window = kWindow;
  l.max_super_users = 2;
  l.super_users_after = 1;
  return l;
}

std::vector<std::string> Logins(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) out.push_back(c.login);
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- DisableGuard -------------------------------------------------------------------------

TEST(DisableGuardTest, AdmitsUpToTheLimitExactly) {
  DisableGuard guard(kWindow);
  EXPECT_TRUE(guard.Admit(3, 3, kT0));
  EXPECT_EQ(guard.InWindow(kT0), 3u);
  EXPECT_FALSE(guard.Admit(1, 3, kT0));
  EXPECT_EQ(guard.InWindow(kT0), 3u);
}

TEST(DisableGuardTest, AHeldBatchIsNotCounted) {
  DisableGuard guard(kWindow);
  EXPECT_FALSE(guard.Admit(4, 3, kT0));
  EXPECT_EQ(guard.InWindow(kT0), 0u);
  // So the next single departure still goes through at once (rule 6).
  EXPECT_TRUE(guard.Admit(1, 3, kT0 + seconds(1)));
  EXPECT_EQ(guard.InWindow(kT0 + seconds(1)), 1u);
}

TEST(DisableGuardTest, TheWindowSlides) {
  DisableGuard guard(kWindow);
  ASSERT_TRUE(guard.Admit(2, 3, kT0));
  ASSERT_TRUE(guard.Admit(1, 3, kT0 + seconds(100)));
  EXPECT_FALSE(guard.Admit(1, 3, kT0 + seconds(200)));
  // A disable is counted for `window` after it was applied, then slides out.
  EXPECT_EQ(guard.InWindow(kT0 + kWindow - seconds(1)), 3u);
  EXPECT_EQ(guard.InWindow(kT0 + kWindow), 1u);
  EXPECT_TRUE(guard.Admit(2, 3, kT0 + kWindow));
  EXPECT_EQ(guard.InWindow(kT0 + kWindow), 3u);
  EXPECT_EQ(guard.InWindow(kT0 + seconds(100) + kWindow), 2u);
  EXPECT_EQ(guard.InWindow(kT0 + kWindow + kWindow), 0u);
}

TEST(DisableGuardTest, ASinglePersonLeavingIsAlwaysAdmissible) {
  DisableGuard guard(kWindow);
  EXPECT_TRUE(guard.Admit(0, 3, kT0));  // nothing to disable: nothing recorded
  EXPECT_EQ(guard.InWindow(kT0), 0u);
  // A limit below one (e.g. a percentage of few accounts) still lets one person go.
  EXPECT_TRUE(guard.Admit(1, 0, kT0));
  EXPECT_FALSE(guard.Admit(1, 0, kT0 + seconds(1)));
  EXPECT_FALSE(guard.Admit(2, 0, kT0 + kWindow + seconds(1)));
}

TEST(DisableGuardTest, SetWindowAppliesToWhatIsAlreadyCounted) {
  DisableGuard guard(kWindow);
  ASSERT_TRUE(guard.Admit(3, 3, kT0));
  guard.set_window(seconds(60));
  EXPECT_EQ(guard.window(), seconds(60));
  EXPECT_EQ(guard.InWindow(kT0 + seconds(59)), 3u);
  EXPECT_EQ(guard.InWindow(kT0 + seconds(60)), 0u);
  EXPECT_TRUE(guard.Admit(3, 3, kT0 + seconds(60)));
}

// --- GuardPlan: the mass-disable guard (rule 6) -------------------------------------------

TEST(GuardPlanTest, DisablesWithinTheLimitFlowAndAreCounted) {
  DisableGuard guard(kWindow);
  GuardedPlan g =
      GuardPlan(PlanOf({Create("ivan"), Disable("carol"), Disable("dave")}), Limits(3), guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"ivan", "carol", "dave"}));
  EXPECT_TRUE(g.held_disables.empty());
  EXPECT_TRUE(g.refused_grants.empty());
  EXPECT_TRUE(g.alarms.empty());
  EXPECT_EQ(guard.InWindow(kT0), 2u);
}

TEST(GuardPlanTest, DisablesPastTheLimitAreHeldAsAWholeBatchWhileTheRestFlows) {
  DisableGuard guard(kWindow);
  Plan plan = PlanOf({Create("ivan"), Enable("judy", false), Update("bob", false, false),
                      Disable("carol"), Disable("dave"), Disable("erin"), Disable("frank")});
  plan.warnings = {"admin is an unmanaged super user"};
  plan.unchanged = 7;
  PlanLimits limits = Limits(3);
  limits.disable_limit_text = "5% of 60 managed accounts = 3";
  GuardedPlan g = GuardPlan(std::move(plan), limits, guard, kT0);

  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"ivan", "judy", "bob"}));
  EXPECT_EQ(Logins(g.held_disables), (std::vector<std::string>{"carol", "dave", "erin", "frank"}));
  for (const Change& c : g.held_disables) EXPECT_EQ(c.action, ChangeAction::kDisable);
  EXPECT_EQ(g.held_disables[0].disabled_reason, "left the directory");  // kept whole
  EXPECT_TRUE(g.refused_grants.empty());
  // The rest of the plan is untouched.
  EXPECT_EQ(g.plan.warnings, (std::vector<std::string>{"admin is an unmanaged super user"}));
  EXPECT_EQ(g.plan.unchanged, 7);
  // Held, so not counted: the next single departure is applied at once.
  EXPECT_EQ(guard.InWindow(kT0), 0u);

  ASSERT_EQ(g.alarms.size(), 1u);
  const std::string& alarm = g.alarms[0];
  EXPECT_TRUE(Contains(alarm, "4 disables held")) << alarm;
  EXPECT_TRUE(Contains(alarm, "carol, dave, erin, frank")) << alarm;
  EXPECT_TRUE(Contains(alarm, "safety.max_disables_per_run (5% of 60 managed accounts = 3)"))
      << alarm;
  EXPECT_TRUE(Contains(alarm, "pmbridge reconcile --force")) << alarm;
}

TEST(GuardPlanTest, BatchesCountTogetherWithinTheWindow) {
  DisableGuard guard(kWindow);
  GuardedPlan first = GuardPlan(PlanOf({Disable("carol"), Disable("dave")}), Limits(3), guard, kT0);
  ASSERT_EQ(first.plan.changes.size(), 2u);

  // Two more a minute later would make four in the window: held, naming what was applied.
  GuardedPlan second =
      GuardPlan(PlanOf({Disable("erin"), Disable("frank")}), Limits(3), guard, kT0 + seconds(60));
  EXPECT_TRUE(second.plan.changes.empty());
  EXPECT_EQ(Logins(second.held_disables), (std::vector<std::string>{"erin", "frank"}));
  ASSERT_EQ(second.alarms.size(), 1u);
  EXPECT_TRUE(Contains(second.alarms[0], "with 2 already applied in the last 600s"))
      << second.alarms[0];

  // One more person leaving fits.
  GuardedPlan third = GuardPlan(PlanOf({Disable("erin")}), Limits(3), guard, kT0 + seconds(61));
  EXPECT_EQ(Logins(third.plan.changes), (std::vector<std::string>{"erin"}));
  EXPECT_TRUE(third.alarms.empty());

  // Once the first two slid out of the window, two fit again.
  GuardedPlan later =
      GuardPlan(PlanOf({Disable("frank"), Disable("grace")}), Limits(3), guard, kT0 + kWindow);
  EXPECT_EQ(Logins(later.plan.changes), (std::vector<std::string>{"frank", "grace"}));
  EXPECT_TRUE(later.held_disables.empty());
}

// --- GuardPlan: a broken read is not a deletion (rule 5) ----------------------------------

TEST(GuardPlanTest, AnEmptyReadHoldsEveryDisableWithItsOwnAlarm) {
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(25);  // far under the limit: held all the same
  limits.empty_read = true;
  GuardedPlan g =
      GuardPlan(PlanOf({Update("bob", false, false), Disable("carol")}), limits, guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"bob"}));
  EXPECT_EQ(Logins(g.held_disables), (std::vector<std::string>{"carol"}));
  EXPECT_EQ(guard.InWindow(kT0), 0u);
  ASSERT_EQ(g.alarms.size(), 1u);
  EXPECT_TRUE(Contains(g.alarms[0], "1 disables held")) << g.alarms[0];
  EXPECT_TRUE(Contains(g.alarms[0], "the directory returned no users at all")) << g.alarms[0];
  EXPECT_TRUE(Contains(g.alarms[0], "pmbridge reconcile --force")) << g.alarms[0];
  EXPECT_FALSE(Contains(g.alarms[0], "max_disables_per_run")) << g.alarms[0];
}

TEST(GuardPlanTest, AnEmptyReadWithNothingToDisableRaisesNoAlarm) {
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(25);
  limits.empty_read = true;
  GuardedPlan g = GuardPlan(PlanOf({Create("ivan")}), limits, guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"ivan"}));
  EXPECT_TRUE(g.held_disables.empty());
  EXPECT_TRUE(g.alarms.empty());
}

// --- GuardPlan: super users (rule 7) ------------------------------------------------------

TEST(GuardPlanTest, SuperUserGrantsPastTheCapAreRefusedAndTheRestKept) {
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(25);
  limits.super_users_after = 5;
  limits.max_super_users = 2;
  GuardedPlan g = GuardPlan(PlanOf({
                                Create("ivan", true),          // a new super user: refused
                                Create("judy", false),         // kept
                                Enable("kate", true),          // back as a super user: refused
                                Update("alice", true, true),   // already super: kept
                                Update("bob", false, true),    // promoted: refused
                                Update("carol", true, false),  // demoted: kept
                                Disable("dave"),               // kept
                            }),
                            limits, guard, kT0);
  EXPECT_EQ(Logins(g.refused_grants), (std::vector<std::string>{"ivan", "kate", "bob"}));
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"judy", "alice", "carol", "dave"}));
  // The whole change is refused, not just its super-user flag.
  EXPECT_EQ(g.refused_grants[2].after.email, "bob@clinic.example");
  EXPECT_TRUE(g.held_disables.empty());
  ASSERT_EQ(g.alarms.size(), 1u);
  const std::string& alarm = g.alarms[0];
  EXPECT_TRUE(Contains(alarm, "super-user rights for ivan, kate, bob not granted")) << alarm;
  EXPECT_TRUE(Contains(alarm, "5 active super users")) << alarm;
  EXPECT_TRUE(Contains(alarm, "policy.max_super_users (2)")) << alarm;
}

TEST(GuardPlanTest, SuperUserGrantsWithinTheCapFlow) {
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(25);
  limits.super_users_after = 2;  // the cap reached exactly is allowed
  limits.max_super_users = 2;
  GuardedPlan g =
      GuardPlan(PlanOf({Create("ivan", true), Update("bob", false, true)}), limits, guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"ivan", "bob"}));
  EXPECT_TRUE(g.refused_grants.empty());
  EXPECT_TRUE(g.alarms.empty());
}

TEST(GuardPlanTest, OverTheCapWithoutAGrantRefusesNothing) {
  // Already over the cap (say the cap was lowered): keeping the existing super users and
  // changing their other fields is not a grant.
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(25);
  limits.super_users_after = 4;
  limits.max_super_users = 2;
  GuardedPlan g = GuardPlan(PlanOf({Update("alice", true, true), Update("bob", true, true)}),
                            limits, guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(g.refused_grants.empty());
  EXPECT_TRUE(g.alarms.empty());
}

TEST(GuardPlanTest, BothRulesRaiseTheirOwnAlarms) {
  DisableGuard guard(kWindow);
  PlanLimits limits = Limits(1);
  limits.super_users_after = 3;
  GuardedPlan g =
      GuardPlan(PlanOf({Create("ivan", true), Create("judy"), Disable("carol"), Disable("dave")}),
                limits, guard, kT0);
  EXPECT_EQ(Logins(g.plan.changes), (std::vector<std::string>{"judy"}));
  EXPECT_EQ(Logins(g.refused_grants), (std::vector<std::string>{"ivan"}));
  EXPECT_EQ(Logins(g.held_disables), (std::vector<std::string>{"carol", "dave"}));
  ASSERT_EQ(g.alarms.size(), 2u);
  EXPECT_TRUE(Contains(g.alarms[0], "policy.max_super_users")) << g.alarms[0];
  EXPECT_TRUE(Contains(g.alarms[1], "safety.max_disables_per_run (1)")) << g.alarms[1];
}

}  // namespace
}  // namespace pmbridge::testing
