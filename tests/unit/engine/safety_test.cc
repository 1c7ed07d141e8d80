#include "bridge/safety.h"

#include <gtest/gtest.h>

#include "bridge/planner.h"
#include "bridge/resolver.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge {
namespace {

using testing::ClinicBuilder;
using testing::PmStateBuilder;

struct Checked {
  Plan plan;
  SafetyVerdict verdict;
};

Checked Check(const ClinicBuilder& b, const CurrentState& current, SafetyConfig safety = {}) {
  DesiredState d = Resolve(b.snapshot(), b.mapping(), current.catalog, ResolveOptions{});
  Plan plan = MakePlan(current, d, b.mapping().policy, PlanOptions{});
  SafetyVerdict v =
      CheckSafety(plan, current, b.snapshot().users.size(), safety, b.mapping().policy);
  return {plan, v};
}

AccountFields Active(const std::string& login, bool super_user = false) {
  AccountFields f;
  f.login = login;
  f.super_user = super_user;
  f.rights.Grant("patients", kView);
  return f;
}

TEST(SafetyTest, EmptyDirectoryWithActiveManagedAccountsIsRefusedUnlessForced) {
  Checked c = Check(ClinicBuilder(), PmStateBuilder().Account(1, Active("bob"), true).state());
  EXPECT_EQ(c.verdict.guard_refusals.size(), 1u);
  EXPECT_TRUE(c.verdict.Refused(false));
  EXPECT_FALSE(c.verdict.Refused(true));
}

TEST(SafetyTest, MoreDisablesThanTheLimitAreRefused) {
  ClinicBuilder b;
  b.Person("zoe");  // the directory is not empty
  PmStateBuilder state;
  for (int i = 0; i < 4; ++i) state.Account(i + 1, Active("user" + std::to_string(i)), true);
  SafetyConfig safety;
  safety.max_disables_per_run.value = 3;
  Checked c = Check(b, state.state(), safety);
  EXPECT_EQ(c.plan.summary().disable, 4);
  ASSERT_EQ(c.verdict.guard_refusals.size(), 1u);
  EXPECT_NE(c.verdict.guard_refusals[0].find("4 accounts would be disabled"), std::string::npos);
  safety.max_disables_per_run.value = 4;
  EXPECT_FALSE(Check(b, state.state(), safety).verdict.Refused(false));
}

TEST(SafetyTest, PercentageLimitNeverBlocksASingleDeparture) {
  ClinicBuilder b;
  b.Person("zoe");
  SafetyConfig safety;
  safety.max_disables_per_run.percent = true;
  safety.max_disables_per_run.value = 5;
  Checked c = Check(b, PmStateBuilder().Account(1, Active("bob"), true).state(), safety);
  EXPECT_EQ(c.plan.summary().disable, 1);
  EXPECT_FALSE(c.verdict.Refused(false));
}

TEST(SafetyTest, GrantingSuperUserPastTheCapIsRefusedEvenWithForce) {
  ClinicBuilder b;
  b.MaxSuperUsers(1);
  b.Person("alice").Member("pm-admins", "alice");
  b.Person("hank").Member("pm-admins", "hank");
  Checked c = Check(b, PmStateBuilder().state());
  ASSERT_EQ(c.verdict.policy_refusals.size(), 1u);
  EXPECT_TRUE(c.verdict.Refused(true));
  EXPECT_NE(c.verdict.policy_refusals[0].find("alice, hank"), std::string::npos);
}

TEST(SafetyTest, UnmanagedSuperUsersAreNotCounted) {
  ClinicBuilder b;
  b.MaxSuperUsers(1);
  b.Person("alice").Member("pm-admins", "alice");
  Checked c = Check(b, PmStateBuilder().Account(1, Active("demo", true), false).state());
  EXPECT_FALSE(c.verdict.Refused(false));
}

TEST(SafetyTest, ACapBelowTodaysCountNeverBlocksRemovals) {
  ClinicBuilder b;
  b.MaxSuperUsers(0);
  b.Person("alice").Member("pm-admins", "alice");
  DesiredState d = Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), {});
  CurrentState current = PmStateBuilder()
                             .Account(1, DesiredFields(d.entitled[0]), true)
                             .Account(2, Active("bob"), true)
                             .state();
  Checked c = Check(b, current);  // bob leaves; alice stays a super user
  EXPECT_EQ(c.plan.summary().disable, 1);
  EXPECT_FALSE(c.verdict.Refused(false));
}

}  // namespace
}  // namespace pmbridge
