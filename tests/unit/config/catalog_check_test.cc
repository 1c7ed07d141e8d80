#include <gtest/gtest.h>

#include <string>

#include "bridge/config/mapping.h"
#include "bridge/pm_state.h"
#include "tests/unit/config/loader_test_support.h"

namespace pmbridge {
namespace {

using ::pmbridge::testing::CountErrors;
using ::pmbridge::testing::FindDiagnostic;
using ::pmbridge::testing::Locate;

constexpr std::string_view kMapping = R"(version: 1
roles:
  front-desk:
    rights: {patients: [view, edit], schedule: [view]}
  billing:
    rights: {charges: [view], payment: [view, edit]}
  administrator:
    super_user: true
    rights: all
groups:
  - dn: cn=pm-front-desk,ou=groups,dc=clinic,dc=example
    role: front-desk
    providers: [DRSMITH, DRJONSE]
  - dn: cn=pm-billing,ou=groups,dc=clinic,dc=example
    role: billing
    providers: all
  - dn: cn=pm-admins,ou=groups,dc=clinic,dc=example
    role: administrator
    providers: [DRWHO]
)";

Catalog ReferenceCatalog() {
  Catalog catalog;
  catalog.modules = {"patients", "scheduling", "charges", "payments", "reports", "setup"};
  catalog.providers = {{"DRSMITH", 1}, {"DRJONES", 2}, {"DRPATEL", 3}};
  return catalog;
}

TEST(CatalogCheckTest, UnknownModulesAndProvidersAtTheirPlace) {
  MappingLoad load = LoadMappingsFromText(kMapping, "m.yaml");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  Diagnostics d = CheckMappingAgainstCatalog(*load.mapping, ReferenceCatalog());
  EXPECT_EQ(CountErrors(d), 4) << d.ToString();

  EXPECT_ERROR_AT(d, "module `schedule` does not exist in the PM database",
                  Locate("m.yaml", kMapping, "schedule"));
  EXPECT_EQ(FindDiagnostic(d, "`schedule`")->hint,
            "did you mean `scheduling`? the PM database has modules: charges, patients, "
            "payments, reports, scheduling, setup");
  EXPECT_EQ(FindDiagnostic(d, "`schedule`")->yaml_path, "roles.front-desk.rights.schedule");
  EXPECT_ERROR_AT(d, "module `payment` does not exist", Locate("m.yaml", kMapping, "payment"));

  EXPECT_ERROR_AT(d, "provider `DRJONSE` (group `cn=pm-front-desk,ou=groups,dc=clinic,dc=example`)",
                  Locate("m.yaml", kMapping, "DRJONSE"));
  EXPECT_EQ(FindDiagnostic(d, "`DRJONSE`")->hint,
            "did you mean `DRJONES`? the PM database has providers: DRJONES, DRPATEL, DRSMITH");
  EXPECT_ERROR_AT(d, "provider `DRWHO`", Locate("m.yaml", kMapping, "DRWHO"));
  EXPECT_EQ(FindDiagnostic(d, "`DRWHO`")->hint,
            "the PM database has providers: DRJONES, DRPATEL, DRSMITH");
}

TEST(CatalogCheckTest, AllRightsAndAllProvidersNeedNothing) {
  MappingLoad load = LoadMappingsFromText(R"(version: 1
roles:
  administrator: {super_user: true, rights: all}
groups:
  - {dn: "cn=a,dc=x", role: administrator, providers: all}
)",
                                          "m.yaml");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_FALSE(CheckMappingAgainstCatalog(*load.mapping, Catalog{}).has_errors());
}

TEST(CatalogCheckTest, AnEmptyCatalogSaysSo) {
  MappingLoad load = LoadMappingsFromText(kMapping, "m.yaml");
  ASSERT_TRUE(load.mapping.has_value());
  Diagnostics d = CheckMappingAgainstCatalog(*load.mapping, Catalog{});
  EXPECT_NE(FindDiagnostic(d, "`patients`")->hint.find("pmbridge db init"), std::string::npos);
  EXPECT_NE(FindDiagnostic(d, "`DRSMITH`")->hint.find("no providers"), std::string::npos);
}

}  // namespace
}  // namespace pmbridge
