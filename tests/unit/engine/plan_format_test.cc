// Golden tests for the plan's text and JSON forms: what an administrator reads is a contract.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bridge/planner.h"
#include "bridge/resolver.h"
#include "tests/support/process.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge {
namespace {

using testing::ClinicBuilder;
using testing::PmStateBuilder;

// A plan with one of each action, a conflict and a warning.
Plan SamplePlan() {
  ClinicBuilder b;
  b.Person("alice").Member("pm-admins", "alice");
  b.Person("bob").Member("pm-billing", "bob");
  b.Person("dave")
      .Member("front-desk-temps", "dave")
      .Member("pm-front-desk", "group:front-desk-temps");
  b.Person("erin").Member("pm-nurses", "erin");
  DesiredState d = Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), {});
  AccountFields bob_before = DesiredFields(d.entitled[1]);  // bob, sorted by login
  bob_before.rights = RightSet();
  bob_before.rights.Grant("patients", kView | kEdit);
  bob_before.providers = ProviderScope::Selected({"DRSMITH"});
  AccountFields erin_before = DesiredFields(d.entitled[3]);
  erin_before.active = false;
  erin_before.rights = RightSet();
  erin_before.providers = ProviderScope();
  AccountFields frank;
  frank.login = "frank";
  frank.first_name = "Frank";
  frank.last_name = "Foster";
  frank.rights.Grant("reports", kView);
  AccountFields local;
  local.login = "alice";
  local.first_name = "Alice";
  CurrentState current = PmStateBuilder()
                             .Account(2, bob_before, true)
                             .Account(5, erin_before, true)
                             .Account(6, frank, true)
                             .Account(9, local, false)
                             .state();
  return MakePlan(current, d, b.mapping().policy, PlanOptions{testing::kPeople});
}

std::string Golden(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/unit/engine/golden/" + name);
}

TEST(PlanFormatTest, TextMatchesGolden) {
  const std::string text = SamplePlan().ToString();
  if (std::getenv("PMBRIDGE_UPDATE_GOLDEN") != nullptr) {
    testing::WriteFile(testing::SourceDir() + "/tests/unit/engine/golden/plan.txt", text);
  }
  EXPECT_EQ(text, Golden("plan.txt"));
}

TEST(PlanFormatTest, JsonMatchesGolden) {
  const std::string json = SamplePlan().ToJson();
  if (std::getenv("PMBRIDGE_UPDATE_GOLDEN") != nullptr) {
    testing::WriteFile(testing::SourceDir() + "/tests/unit/engine/golden/plan.json", json);
  }
  EXPECT_EQ(json, Golden("plan.json"));
}

TEST(PlanFormatTest, JsonHasTheContractShape) {
  nlohmann::json j = nlohmann::json::parse(SamplePlan().ToJson());
  for (const char* key : {"create", "update", "disable", "enable", "unchanged"}) {
    EXPECT_TRUE(j["summary"].contains(key)) << key;
  }
  for (const auto& change : j["changes"]) {
    for (const char* key : {"action", "login", "anchor", "reasons"}) {
      EXPECT_TRUE(change.contains(key)) << key;
    }
    if (change["action"] == "update") {
      EXPECT_TRUE(change.contains("before"));
      EXPECT_TRUE(change.contains("after"));
    }
  }
  EXPECT_TRUE(j["conflicts"].is_array());
  EXPECT_TRUE(j["warnings"].is_array());
}

TEST(PlanFormatTest, EmptyPlanSaysNothingToDo) {
  Plan plan;
  plan.unchanged = 8;
  EXPECT_EQ(plan.ToString(), "Nothing to do: 8 managed accounts in sync.\n");
}

}  // namespace
}  // namespace pmbridge
