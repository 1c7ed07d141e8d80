#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bridge/config/mapping.h"
#include "bridge/dn.h"
#include "tests/support/process.h"
#include "tests/unit/config/loader_test_support.h"

namespace pmbridge {
namespace {

using ::pmbridge::testing::Replace;

using ::pmbridge::testing::CountErrors;
using ::pmbridge::testing::FindDiagnostic;
using ::pmbridge::testing::Locate;
using ::pmbridge::testing::TempDir;
using ::pmbridge::testing::WriteFile;

constexpr std::string_view kClinic = R"(version: 1
roles:
  front-desk:
    rights: {patients: [view, edit], scheduling: [view, edit, delete]}
  billing:
    description: Charges and payments.
    rights:
      charges: [view, edit]
      payments: [view, edit, delete]
      reports: [view]
  administrator:
    super_user: true
    access_security: true
    rights: all
groups:
  - dn: CN=PM-Front-Desk, OU=Groups, DC=clinic, DC=example
    role: front-desk
    providers: [DRSMITH, DRJONES]
  - dn: cn=pm-billing,ou=groups,dc=clinic,dc=example
    role: billing
    providers: all
    description: Billing office.
  - dn: cn=pm-admins,ou=groups,dc=clinic,dc=example
    role: administrator
    providers: all
policy:
  max_super_users: 2
  protected_logins: [breakglass, vendor]
)";

class MappingLoaderTest : public ::testing::Test {
 protected:
  // Loads `text` as the only file of a fresh mappings directory.
  MappingLoad Load(std::string_view text) {
    text_ = std::string(text);
    WriteFile(file_, text_);
    return LoadMappings(file_);
  }
  SourceLocation At(std::string_view needle, int nth = 0) const {
    return Locate(file_, text_, needle, nth);
  }

  TempDir dir_;
  std::string file_ = dir_.File("clinic.yaml");
  std::string text_;
};

TEST_F(MappingLoaderTest, LoadsTheDesignExample) {
  MappingLoad load = Load(kClinic);
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_TRUE(load.diagnostics.items().empty()) << load.diagnostics.ToString();
  const Mapping& m = *load.mapping;
  EXPECT_EQ(m.files, std::vector<std::string>{file_});

  ASSERT_EQ(m.roles.size(), 3u);
  const Role& front = m.roles.at("front-desk");
  EXPECT_EQ(front.name, "front-desk");
  EXPECT_EQ(front.rights.ToString(), "patients:view+edit scheduling:view+edit+delete");
  EXPECT_FALSE(front.all_rights);
  EXPECT_FALSE(front.super_user);
  EXPECT_EQ(front.where, At("front-desk:"));
  EXPECT_EQ(front.module_where.at("patients"), At("patients"));
  EXPECT_EQ(m.roles.at("billing").rights.ToString(),
            "charges:view+edit payments:view+edit+delete reports:view");
  const Role& admin = m.roles.at("administrator");
  EXPECT_TRUE(admin.all_rights);
  EXPECT_TRUE(admin.rights.empty());
  EXPECT_TRUE(admin.super_user);
  EXPECT_TRUE(admin.access_security);

  ASSERT_EQ(m.groups.size(), 3u);
  const GroupRule& g = m.groups[0];
  EXPECT_EQ(g.dn, "cn=pm-front-desk,ou=groups,dc=clinic,dc=example");
  EXPECT_EQ(g.dn_as_written, "CN=PM-Front-Desk, OU=Groups, DC=clinic, DC=example");
  EXPECT_EQ(g.role, "front-desk");
  EXPECT_EQ(g.providers.ToString(), "DRJONES,DRSMITH");
  EXPECT_EQ(g.where, At("dn: CN=PM"));
  EXPECT_EQ(g.provider_where.at("DRJONES"), At("DRJONES"));
  EXPECT_TRUE(m.groups[1].providers.all());
  EXPECT_EQ(m.groups[2].role, "administrator");

  EXPECT_EQ(m.policy.max_super_users, 2);
  EXPECT_EQ(m.policy.protected_logins, (std::vector<std::string>{"breakglass", "vendor"}));
  EXPECT_EQ(m.policy.where, At("policy:"));

  const GroupRule* found =
      m.FindGroup(*NormalizeDn("cn=PM-Billing,ou=Groups,dc=clinic,dc=example"));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->role, "billing");
  EXPECT_EQ(m.FindGroup("cn=staff-social,ou=groups,dc=clinic,dc=example"), nullptr);
}

TEST_F(MappingLoaderTest, PolicyDefaults) {
  MappingLoad load = Load("version: 1\n");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.mapping->policy.max_super_users, 2);
  EXPECT_TRUE(load.mapping->policy.protected_logins.empty());
  EXPECT_TRUE(load.mapping->groups.empty());
}

TEST_F(MappingLoaderTest, RightsAreNormalisedEditAndDeleteImplyView) {
  MappingLoad load = Load(R"(version: 1
roles:
  r:
    rights: {patients: [edit], charges: [delete], reports: [view, view]}
groups:
  - {dn: "cn=g,dc=x", role: r, providers: []}
)");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.mapping->roles.at("r").rights.ToString(),
            "charges:view+delete patients:view+edit reports:view");
  EXPECT_TRUE(load.mapping->groups[0].providers.empty());
}

TEST_F(MappingLoaderTest, UnknownRightListsTheValidOnes) {
  MappingLoad load = Load(Replace(kClinic, "charges: [view, edit]", "charges: [view, modify]"));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown right `modify`", At("modify"));
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "unknown right");
  EXPECT_EQ(d->yaml_path, "roles.billing.rights.charges[1]");
  EXPECT_EQ(d->hint, "rights are view, edit and delete (edit and delete imply view)");

  load = Load(Replace(kClinic, "reports: [view]", "reports: [veiw]"));
  d = FindDiagnostic(load.diagnostics, "unknown right `veiw`");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->hint.rfind("did you mean `view`?", 0), 0u) << d->hint;
}

TEST_F(MappingLoaderTest, UnknownRoleSuggestsTheClosest) {
  MappingLoad load = Load(Replace(kClinic, "role: front-desk", "role: frontdesk"));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown role `frontdesk`", At("frontdesk"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown role")->hint, "did you mean `front-desk`?");
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown role")->yaml_path, "groups[0].role");

  load = Load(Replace(kClinic, "role: front-desk", "role: nurse"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown role")->hint,
            "the roles defined are: administrator, billing, front-desk");
}

TEST_F(MappingLoaderTest, GroupMappedTwiceNamesBothPlaces) {
  std::string text = std::string(kClinic) + R"(  - dn: cn=PM-ADMINS , ou=groups,dc=Clinic,dc=example
    role: billing
    providers: all
)";
  // The appended item lands after `policy:`; move policy last again.
  text = Replace(text, "policy:\n  max_super_users: 2\n  protected_logins: [breakglass, vendor]\n",
                 "");
  text += "policy: {max_super_users: 2}\n";
  MappingLoad load = Load(text);
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics,
                  "group `cn=PM-ADMINS , ou=groups,dc=Clinic,dc=example` is mapped twice; the "
                  "first rule is at " +
                      At("dn: cn=pm-admins").ToString(),
                  At("cn=PM-ADMINS"));
}

TEST_F(MappingLoaderTest, MalformedGroupDn) {
  MappingLoad load =
      Load(Replace(kClinic, "dn: cn=pm-billing,ou=groups", "dn: cn=pm-billing,,ou=groups"));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "malformed DN: empty RDN at offset 14", At("cn=pm-billing,,"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "malformed DN")->yaml_path, "groups[1].dn");
}

TEST_F(MappingLoaderTest, ProvidersAreRequired) {
  MappingLoad load = Load(Replace(kClinic, "    providers: [DRSMITH, DRJONES]\n", ""));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `providers` in `groups[0]`",
                  At("dn: CN=PM"));
  EXPECT_NE(FindDiagnostic(load.diagnostics, "`providers`")->hint.find("providers: all"),
            std::string::npos);

  load = Load(Replace(kClinic, "providers: [DRSMITH, DRJONES]", "providers: DRSMITH"));
  EXPECT_ERROR_AT(load.diagnostics, "expected `all` or a list of provider codes, got `DRSMITH`",
                  At("DRSMITH"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "provider codes")->hint,
            "write a single provider as a list: [DRSMITH]");

  load = Load(Replace(kClinic, "providers: [DRSMITH, DRJONES]", "providers: [all]"));
  EXPECT_ERROR_AT(load.diagnostics, "`all` inside a list", At("all]"));

  load = Load(Replace(kClinic, "providers: [DRSMITH, DRJONES]", "providers:"));
  EXPECT_ERROR_AT(load.diagnostics, "expected a list, got nothing", At("providers:"));
}

TEST_F(MappingLoaderTest, UnknownKeysSuggest) {
  MappingLoad load = Load(R"(version: 1
role:
  x: {rights: all}
groups:
  - dn: cn=g,dc=x
    role: x
    provider: all
policy:
  max_superusers: 1
)");
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown key `role`", At("role:"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown key `role`")->hint, "did you mean `roles`?");
  EXPECT_ERROR_AT(load.diagnostics, "unknown key `provider`", At("provider:"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown key `provider`")->hint,
            "did you mean `providers`?");
  EXPECT_ERROR_AT(load.diagnostics, "unknown key `max_superusers`", At("max_superusers"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown key `max_superusers`")->hint,
            "did you mean `max_super_users`?");
  // The group names a role that is not defined (it sat under `role:`).
  EXPECT_ERROR_AT(load.diagnostics, "unknown role `x`", (SourceLocation{file_, 6, 11}));

  load = Load(Replace(kClinic, "    super_user: true", "    superuser: true"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown key `superuser`")->hint,
            "did you mean `super_user`?");
}

TEST_F(MappingLoaderTest, UnquotedDnInAFlowMapGetsAHint) {
  MappingLoad load = Load(R"(version: 1
roles: {r: {rights: all}}
groups:
  - {dn: cn=g,ou=groups,dc=x, role: r, providers: all}
)");
  EXPECT_FALSE(load.mapping.has_value());
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "unknown key `ou=groups`");
  ASSERT_NE(d, nullptr) << load.diagnostics.ToString();
  EXPECT_NE(d->hint.find("quote"), std::string::npos) << d->hint;
}

TEST_F(MappingLoaderTest, WrongTypes) {
  MappingLoad load = Load(R"(version: 1
roles:
  a:
    rights: [patients]
    super_user: "yes"
  b:
    rights: some
    access_security: maybe
  c:
    rights: {patients: view}
groups:
  dn: cn=g,dc=x
policy:
  max_super_users: -1
  protected_logins: breakglass
)");
  EXPECT_FALSE(load.mapping.has_value());
  const Diagnostics& d = load.diagnostics;
  EXPECT_ERROR_AT(d, "expected `all` or a map of modules, got a list", At("[patients]"));
  EXPECT_ERROR_AT(d, "expected true or false, got the quoted string \"yes\"", At("\"yes\""));
  EXPECT_ERROR_AT(d, "expected `all` or a map of modules, got `some`", At("some"));
  EXPECT_ERROR_AT(d, "expected true or false, got `maybe`", At("maybe"));
  EXPECT_ERROR_AT(d, "expected a list, got `view`", At("view}"));
  EXPECT_ERROR_AT(d, "expected a list, got a map", At("dn: cn=g"));
  EXPECT_ERROR_AT(d, "`-1` is out of range", At("-1"));
  EXPECT_ERROR_AT(d, "expected a list, got `breakglass`", At("breakglass"));
}

TEST_F(MappingLoaderTest, VersionIsRequiredAndMustBeOne) {
  MappingLoad load = Load(Replace(kClinic, "version: 1\n", ""));
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `version`",
                  (SourceLocation{file_, 1, 1}));
  load = Load(Replace(kClinic, "version: 1", "version: 3"));
  EXPECT_ERROR_AT(load.diagnostics, "unsupported version 3", At("3"));
}

TEST_F(MappingLoaderTest, WarningsDoNotBlock) {
  MappingLoad load = Load(R"(version: 1
roles:
  nothing: {description: grants nothing}
  empty-module:
    rights: {patients: []}
  spare:
    rights: {reports: [view]}
groups:
  - {dn: "cn=a,dc=x", role: nothing, providers: all}
  - {dn: "cn=b,dc=x", role: empty-module, providers: all}
)");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_WARNING_AT(load.diagnostics, "role `nothing` grants nothing", At("nothing:"));
  EXPECT_WARNING_AT(load.diagnostics, "module `patients` lists no rights", At("[]"));
  EXPECT_WARNING_AT(load.diagnostics, "role `spare` is not used by any group", At("spare:"));
}

TEST_F(MappingLoaderTest, DuplicateKeysInOneFile) {
  MappingLoad load = Load(
      Replace(kClinic, "  administrator:\n", "  billing:\n    rights: all\n  administrator:\n"));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(
      load.diagnostics,
      "`billing` is set twice in this map; the first is at " + At("billing:").ToString(),
      At("billing:", 1));

  load = Load(Replace(kClinic, "    role: billing\n", "    role: billing\n    role: front-desk\n"));
  EXPECT_ERROR_AT(load.diagnostics, "`role` is set twice", At("role: front-desk", 1));
}

TEST_F(MappingLoaderTest, SyntaxErrorAndEmptyFile) {
  MappingLoad load = Load("version: 1\nroles:\n  a: {rights: all\n");
  EXPECT_FALSE(load.mapping.has_value());
  ASSERT_EQ(load.diagnostics.items().size(), 1u);
  EXPECT_NE(load.diagnostics.items()[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_GT(load.diagnostics.items()[0].where.line, 0);

  load = Load("");
  EXPECT_ERROR_AT(load.diagnostics, "the mapping file is empty", (SourceLocation{file_, 1, 1}));
}

// Anchors and aliases that multiply (roles x modules x rights) cannot make a small file
// cost millions of values or diagnostics.
TEST_F(MappingLoaderTest, MultiplyingAliasesAreBounded) {
  const int n = 80;
  std::string text = "version: 1\nx: &L [";
  for (int i = 0; i < n; ++i) text += i ? ", bad" : "bad";
  text += "]\ny: &M {";
  for (int i = 0; i < n; ++i) text += (i ? ", m" : "m") + std::to_string(i) + ": *L";
  text += "}\nz: &R {rights: *M}\nroles: {";
  for (int i = 0; i < n; ++i) text += (i ? ", r" : "r") + std::to_string(i) + ": *R";
  text += "}\n";
  ASSERT_LT(text.size(), 2000u);
  MappingLoad load = Load(text);
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_LE(load.diagnostics.items().size(), 102u);
  EXPECT_NE(FindDiagnostic(load.diagnostics, "too many problems in this file"), nullptr);
}

TEST_F(MappingLoaderTest, AliasBudget) {
  // Each group item is the same alias: 600 x 400 provider codes = 240000 values.
  std::string text = "version: 1\nroles: {r: {rights: all}}\np: &P [";
  for (int i = 0; i < 400; ++i) text += (i ? ", A" : "A") + std::to_string(i);
  text += "]\ng: &G {dn: 'cn=g,dc=x', role: r, providers: *P}\ngroups: [";
  for (int i = 0; i < 600; ++i) text += i ? ", *G" : "*G";
  text += "]\n";
  MappingLoad load = Load(text);
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "this file expands to more than 200000 values",
                  (SourceLocation{file_, 0, 0}));
  EXPECT_LE(load.diagnostics.items().size(), 102u);
}

class MappingDirectoryTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    WriteFile(path, text);
    return path;
  }
  TempDir dir_;
};

TEST_F(MappingDirectoryTest, MergesYamlFilesInNameOrder) {
  std::string roles = Write("10-roles.yaml", R"(version: 1
roles:
  clinical: {rights: {patients: [view]}}
policy:
  max_super_users: 1
)");
  std::string groups = Write("20-groups.yml", R"(version: 1
groups:
  - {dn: "cn=pm-nurses,ou=groups,dc=clinic,dc=example", role: clinical, providers: [DRPATEL]}
policy:
  protected_logins: [breakglass]
)");
  Write("README.md", "not yaml");
  Write(".#20-groups.yml", "editor lock file: {");
  Write("mapping.schema.json", "{}");
  std::filesystem::create_directory(dir_.File("old.yaml"));  // a directory, skipped
  MappingLoad load = LoadMappings(dir_.path());
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.mapping->files, (std::vector<std::string>{roles, groups}));
  EXPECT_EQ(load.mapping->groups.size(), 1u);
  EXPECT_EQ(load.mapping->policy.max_super_users, 1);
  EXPECT_EQ(load.mapping->policy.protected_logins, std::vector<std::string>{"breakglass"});
}

TEST_F(MappingDirectoryTest, ConflictsAcrossFilesNameBothFiles) {
  std::string a_text = R"(version: 1
roles:
  billing: {rights: {charges: [view]}}
groups:
  - {dn: "cn=pm-billing,ou=groups,dc=clinic,dc=example", role: billing, providers: all}
policy:
  max_super_users: 2
)";
  std::string b_text = R"(version: 1
roles:
  billing: {rights: all}
groups:
  - dn: CN=PM-Billing,OU=Groups,DC=Clinic,DC=Example
    role: billing
    providers: all
policy:
  max_super_users: 3
)";
  std::string a = Write("a.yaml", a_text);
  std::string b = Write("b.yaml", b_text);
  MappingLoad load = LoadMappings(dir_.path());
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_EQ(CountErrors(load.diagnostics), 3) << load.diagnostics.ToString();
  EXPECT_ERROR_AT(load.diagnostics,
                  "role `billing` is defined twice; the first is at " +
                      Locate(a, a_text, "billing:").ToString(),
                  Locate(b, b_text, "billing:"));
  EXPECT_ERROR_AT(load.diagnostics,
                  "is mapped twice; the first rule is at " +
                      Locate(a, a_text, "{dn: \"cn=pm-billing").ToString(),
                  Locate(b, b_text, "CN=PM-Billing"));
  EXPECT_ERROR_AT(load.diagnostics,
                  "`policy.max_super_users` is set in two places; the first is at " +
                      Locate(a, a_text, "max_super_users").ToString(),
                  Locate(b, b_text, "max_super_users"));
  // Sorted by file, then line.
  EXPECT_EQ(load.diagnostics.items().front().where.file, b);
}

TEST_F(MappingDirectoryTest, RolesMayBeUsedFromAnotherFile) {
  Write("groups.yaml", "version: 1\ngroups:\n  - {dn: 'cn=g,dc=x', role: r, providers: all}\n");
  Write("roles.yaml", "version: 1\nroles:\n  r: {rights: all}\n");
  MappingLoad load = LoadMappings(dir_.path());
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  EXPECT_TRUE(load.diagnostics.items().empty()) << load.diagnostics.ToString();
}

TEST_F(MappingDirectoryTest, ErrorsOfEveryFileAreCollected) {
  std::string a = Write("a.yaml", "version: 1\nroles: [\n");
  std::string b = Write("b.yaml", "version: 2\n");
  MappingLoad load = LoadMappings(dir_.path());
  EXPECT_FALSE(load.mapping.has_value());
  ASSERT_EQ(CountErrors(load.diagnostics), 2) << load.diagnostics.ToString();
  EXPECT_EQ(load.diagnostics.items()[0].where.file, a);
  EXPECT_EQ(load.diagnostics.items()[1].where.file, b);
}

TEST_F(MappingDirectoryTest, EmptyDirectoryAndMissingPath) {
  Write("notes.txt", "x");
  MappingLoad load = LoadMappings(dir_.path());
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "no mapping files (*.yaml, *.yml) in this directory",
                  (SourceLocation{dir_.path(), 0, 0}));

  load = LoadMappings(dir_.File("missing"));
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "the mappings path does not exist",
                  (SourceLocation{dir_.File("missing"), 0, 0}));
}

TEST(LoadMappingsFromTextTest, UsesTheNameGiven) {
  MappingLoad load =
      LoadMappingsFromText("version: 1\nroles: {a: {rights: {x: [y]}}}\n", "inline.yaml");
  EXPECT_FALSE(load.mapping.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown right `y`", (SourceLocation{"inline.yaml", 2, 26}));
}

}  // namespace
}  // namespace pmbridge
