// The shipped examples — config/bridge.yaml, mappings/*.yaml — load cleanly, describe the
// sample clinic exactly, and agree with mappings/mapping.schema.json; the schema and the
// loader reject the same broken mappings.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/pm_state.h"
#include "tests/support/process.h"

namespace pmbridge {
namespace {

namespace fs = std::filesystem;
using ::pmbridge::testing::ProcessResult;
using ::pmbridge::testing::ReadFile;
using ::pmbridge::testing::Run;
using ::pmbridge::testing::SourceDir;
using ::pmbridge::testing::TempDir;
using ::pmbridge::testing::WriteFile;

// Debian's python3 has python3-jsonschema and python3-yaml; a pyenv `python3` on PATH may not.
constexpr const char* kPython = "/usr/bin/python3";

std::vector<std::string> ExampleMappingFiles() {
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(SourceDir() + "/mappings")) {
    std::string ext = e.path().extension().string();
    if (ext == ".yaml" || ext == ".yml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ProcessResult ValidateWithSchema(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {kPython,
                                   SourceDir() + "/tests/unit/config/validate_mapping_schema.py",
                                   SourceDir() + "/mappings/mapping.schema.json"};
  argv.insert(argv.end(), files.begin(), files.end());
  return Run(argv);
}

TEST(ExamplesTest, BridgeYamlAndMappingsLoadWithoutAnyDiagnostic) {
  // The example as installed: config/ beside mappings/, with the secret it names.
  TempDir dir;
  fs::create_directories(dir.File("config"));
  fs::create_directories(dir.File("mappings"));
  fs::copy_file(SourceDir() + "/config/bridge.yaml", dir.File("config/bridge.yaml"));
  for (const std::string& file : ExampleMappingFiles()) {
    fs::copy_file(file, dir.File("mappings/" + fs::path(file).filename().string()));
  }
  WriteFile(dir.File("config/ldap.secret"), "pmbridge-demo-secret\n");
  chmod(dir.File("config/ldap.secret").c_str(), 0600);

  ConfigLoad config = LoadConfig(dir.File("config/bridge.yaml"));
  ASSERT_TRUE(config.config.has_value()) << config.diagnostics.ToString();
  EXPECT_TRUE(config.diagnostics.items().empty()) << config.diagnostics.ToString();
  const Config& c = *config.config;
  EXPECT_EQ(c.directory.url, "ldap://127.0.0.1:3890");
  EXPECT_EQ(c.directory.bind_dn, "cn=pmbridge,ou=services,dc=clinic,dc=example");
  EXPECT_EQ(c.directory.bind_password_file, dir.File("config/ldap.secret"));
  EXPECT_EQ(c.directory.users.base_dn, "ou=people,dc=clinic,dc=example");
  EXPECT_EQ(c.directory.groups.base_dn, "ou=groups,dc=clinic,dc=example");
  EXPECT_EQ(c.database.backend, "sqlite3");
  EXPECT_EQ(c.database.connect_string, "db=" + dir.File("config/practice.db"));
  EXPECT_EQ(c.mappings_path, dir.File("mappings"));
  Result<std::string> password = ReadBindPassword(c.directory);
  ASSERT_TRUE(password.ok());
  EXPECT_EQ(*password, "pmbridge-demo-secret");

  MappingLoad mappings = LoadMappings(c.mappings_path);
  ASSERT_TRUE(mappings.mapping.has_value()) << mappings.diagnostics.ToString();
  EXPECT_TRUE(mappings.diagnostics.items().empty()) << mappings.diagnostics.ToString();
}

TEST(ExamplesTest, TheExampleBridgeYamlDocumentsEveryKey) {
  std::string text = ReadFile(SourceDir() + "/config/bridge.yaml");
  for (const char* key : {"version:",
                          "directory:",
                          "url:",
                          "flavor:",
                          "bind_dn:",
                          "bind_password_file:",
                          "bind_password_env:",
                          "tls_ca_file:",
                          "start_tls:",
                          "allow_insecure_bind:",
                          "page_size:",
                          "timeout:",
                          "users:",
                          "base_dn:",
                          "filter:",
                          "attributes:",
                          "login:",
                          "anchor:",
                          "first_name:",
                          "last_name:",
                          "middle_initial:",
                          "email:",
                          "groups:",
                          "member_attribute:",
                          "nested:",
                          "change_detection:",
                          "database:",
                          "connection:",
                          "schema:",
                          "mappings:",
                          "safety:",
                          "max_disables_per_run:",
                          "daemon:",
                          "full_reconcile_interval:",
                          "admin_listen:"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

TEST(ExamplesTest, ClinicMappingIsTheSampleClinic) {
  MappingLoad load = LoadMappings(SourceDir() + "/mappings/clinic.yaml");
  ASSERT_TRUE(load.mapping.has_value()) << load.diagnostics.ToString();
  const Mapping& m = *load.mapping;
  ASSERT_EQ(m.roles.size(), 4u);
  EXPECT_EQ(m.roles.at("front-desk").rights.ToString(),
            "patients:view+edit scheduling:view+edit+delete");
  EXPECT_EQ(m.roles.at("billing").rights.ToString(),
            "charges:view+edit payments:view+edit+delete reports:view");
  EXPECT_EQ(m.roles.at("clinical").rights.ToString(),
            "patients:view+edit reports:view scheduling:view");
  const Role& admin = m.roles.at("administrator");
  EXPECT_TRUE(admin.all_rights && admin.super_user && admin.access_security);
  for (const char* name : {"front-desk", "billing", "clinical"}) {
    EXPECT_FALSE(m.roles.at(name).super_user || m.roles.at(name).access_security) << name;
  }

  ASSERT_EQ(m.groups.size(), 4u);
  const struct {
    const char* dn;
    const char* role;
    const char* providers;
  } expected[] = {
      {"cn=pm-front-desk,ou=groups,dc=clinic,dc=example", "front-desk", "DRJONES,DRSMITH"},
      {"cn=pm-billing,ou=groups,dc=clinic,dc=example", "billing", "all"},
      {"cn=pm-nurses,ou=groups,dc=clinic,dc=example", "clinical", "DRPATEL"},
      {"cn=pm-admins,ou=groups,dc=clinic,dc=example", "administrator", "all"},
  };
  for (std::size_t i = 0; i < m.groups.size(); ++i) {
    EXPECT_EQ(m.groups[i].dn, expected[i].dn);
    EXPECT_EQ(m.groups[i].role, expected[i].role);
    EXPECT_EQ(m.groups[i].providers.ToString(), expected[i].providers);
  }
  EXPECT_EQ(m.FindGroup("cn=staff-social,ou=groups,dc=clinic,dc=example"), nullptr);
  EXPECT_EQ(m.policy.max_super_users, 2);
  EXPECT_EQ(m.policy.protected_logins, std::vector<std::string>{"breakglass"});

  // Against the reference schema's modules and the demo's providers: nothing unknown.
  Catalog catalog;
  catalog.modules = {"patients", "scheduling", "charges", "payments", "reports", "setup"};
  catalog.providers = {{"DRSMITH", 1}, {"DRJONES", 2}, {"DRPATEL", 3}};
  Diagnostics d = CheckMappingAgainstCatalog(m, catalog);
  EXPECT_TRUE(d.items().empty()) << d.ToString();
}

TEST(ExamplesTest, ClinicMappingNamesItsSchemaForEditors) {
  std::string text = ReadFile(SourceDir() + "/mappings/clinic.yaml");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "# yaml-language-server: $schema=./mapping.schema.json");
}

TEST(MappingSchemaTest, EveryExampleMappingIsValid) {
  std::vector<std::string> files = ExampleMappingFiles();
  ASSERT_FALSE(files.empty());
  ProcessResult r = ValidateWithSchema(files);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// Each text is judged the same way by the loader and by the schema.
struct SchemaCase {
  const char* name;
  const char* text;
  bool valid;
};

const SchemaCase kSchemaCases[] = {
    {"every_key", R"(version: 1
roles:
  r:
    description: all keys
    rights: {patients: [view, edit, delete]}
    super_user: false
    access_security: true
  s: {rights: all, super_user: yes}
groups:
  - dn: cn=g,ou=groups,dc=x
    role: r
    providers: [DRSMITH]
    description: text
  - {dn: "OID.2.5.4.3=h,dc=x", role: s, providers: all}
policy:
  max_super_users: 0
  protected_logins: [breakglass]
)",
     true},
    {"minimal", "version: 1\n", true},
    {"unknown_top_key", "version: 1\nrole: {}\n", false},
    {"no_version", "roles: {}\n", false},
    {"version_2", "version: 2\n", false},
    {"version_quoted", "version: \"1\"\n", false},
    {"unknown_right", "version: 1\nroles: {r: {rights: {patients: [modify]}}}\n", false},
    {"rights_not_all", "version: 1\nroles: {r: {rights: everything}}\n", false},
    {"rights_scalar_list", "version: 1\nroles: {r: {rights: {patients: view}}}\n", false},
    {"role_unknown_key", "version: 1\nroles: {r: {rights: all, superuser: true}}\n", false},
    {"super_user_quoted", "version: 1\nroles: {r: {rights: all, super_user: \"true\"}}\n", false},
    {"providers_missing",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {dn: \"cn=g,dc=x\", role: r}\n", false},
    {"providers_scalar",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {dn: \"cn=g,dc=x\", role: r, "
     "providers: DRSMITH}\n",
     false},
    {"providers_all_in_list",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {dn: \"cn=g,dc=x\", role: r, "
     "providers: [all]}\n",
     false},
    {"group_without_dn",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {role: r, providers: all}\n", false},
    {"group_unknown_key",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {dn: \"cn=g,dc=x\", role: r, "
     "providers: all, members: [x]}\n",
     false},
    {"groups_not_a_list", "version: 1\ngroups: {dn: \"cn=g,dc=x\"}\n", false},
    {"dn_without_equals",
     "version: 1\nroles: {r: {rights: all}}\ngroups:\n  - {dn: pm-billing, role: r, "
     "providers: all}\n",
     false},
    {"negative_max_super_users", "version: 1\npolicy: {max_super_users: -1}\n", false},
    {"protected_logins_scalar", "version: 1\npolicy: {protected_logins: breakglass}\n", false},
    {"policy_unknown_key", "version: 1\npolicy: {max_disables: 3}\n", false},
};

TEST(MappingSchemaTest, SchemaAndLoaderAgree) {
  TempDir dir;
  std::vector<std::string> paths;
  for (const SchemaCase& c : kSchemaCases) {
    std::string path = dir.File(std::string(c.name) + ".yaml");
    WriteFile(path, c.text);
    paths.push_back(path);
    MappingLoad load = LoadMappings(path);
    EXPECT_EQ(load.mapping.has_value(), c.valid) << c.name << " (loader)\n"
                                                 << load.diagnostics.ToString();
  }
  // One interpreter for all the cases: it prints "PATH: valid" or "PATH: invalid" for each.
  ProcessResult r = ValidateWithSchema(paths);
  ASSERT_NE(r.exit_code, 2) << "the schema itself is broken: " << r.err;
  ASSERT_NE(r.exit_code, 127) << "cannot run " << kPython;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::string verdict = paths[i] + (kSchemaCases[i].valid ? ": valid\n" : ": invalid\n");
    EXPECT_NE(r.out.find(verdict), std::string::npos) << kSchemaCases[i].name << " (schema)\n"
                                                      << r.out << r.err;
  }
}

}  // namespace
}  // namespace pmbridge
