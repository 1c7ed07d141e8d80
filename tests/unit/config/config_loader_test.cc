#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bridge/config/config.h"
#include "tests/support/process.h"
#include "tests/unit/config/loader_test_support.h"

namespace pmbridge {
namespace {

using ::pmbridge::testing::CountErrors;
using ::pmbridge::testing::FindDiagnostic;
using ::pmbridge::testing::Locate;
using ::pmbridge::testing::Replace;
using ::pmbridge::testing::TempDir;
using ::pmbridge::testing::WriteFile;

constexpr std::string_view kMinimal = R"(version: 1
directory:
  url: ldap://127.0.0.1:3890
  users:
    base_dn: ou=people,dc=clinic,dc=example
database:
  connection: sqlite3://db=practice.db
mappings: mappings/
)";

class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() : path_(dir_.File("bridge.yaml")) {
    std::filesystem::create_directory(dir_.File("mappings"));
    WriteFile(dir_.File("ldap.secret"), "s3cret-value\n");
    chmod(dir_.File("ldap.secret").c_str(), 0600);
  }

  ConfigLoad Load(std::string_view text) {
    text_ = std::string(text);
    WriteFile(path_, text_);
    return LoadConfig(path_);
  }
  // Where `needle` is in the text last loaded.
  SourceLocation At(std::string_view needle, int nth = 0) const {
    return Locate(path_, text_, needle, nth);
  }
  // Where the text just after `prefix` is: the value of "key: ".
  SourceLocation AtAfter(std::string_view prefix) const {
    SourceLocation at = Locate(path_, text_, prefix);
    at.column += static_cast<int>(prefix.size());
    return at;
  }

  TempDir dir_;
  std::string path_;
  std::string text_;
};

TEST_F(ConfigLoaderTest, MinimalConfigGetsOpenLdapDefaults) {
  ConfigLoad load = Load(kMinimal);
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_TRUE(load.diagnostics.items().empty()) << load.diagnostics.ToString();
  const Config& c = *load.config;
  EXPECT_EQ(c.path, path_);
  EXPECT_EQ(c.directory.url, "ldap://127.0.0.1:3890");
  EXPECT_EQ(c.directory.flavor, DirectoryFlavor::kOpenLdap);
  EXPECT_EQ(c.directory.bind_dn, "");
  EXPECT_EQ(c.directory.page_size, 500);
  EXPECT_EQ(c.directory.timeout, std::chrono::seconds(30));
  EXPECT_FALSE(c.directory.start_tls);
  EXPECT_FALSE(c.directory.allow_insecure_bind);
  EXPECT_EQ(c.directory.users.base_dn, "ou=people,dc=clinic,dc=example");
  EXPECT_EQ(c.directory.users.filter, "(objectClass=inetOrgPerson)");
  const UserAttributeMap& a = c.directory.users.attributes;
  EXPECT_EQ(a.login, "uid");
  EXPECT_EQ(a.anchor, "entryUUID");
  EXPECT_EQ(a.first_name, "givenName");
  EXPECT_EQ(a.last_name, "sn");
  EXPECT_EQ(a.middle_initial, "initials");
  EXPECT_EQ(a.email, "mail");
  // groups.base_dn defaults to users.base_dn.
  EXPECT_EQ(c.directory.groups.base_dn, "ou=people,dc=clinic,dc=example");
  EXPECT_EQ(c.directory.groups.filter, "(objectClass=groupOfNames)");
  EXPECT_EQ(c.directory.groups.member_attribute, "member");
  EXPECT_TRUE(c.directory.groups.nested);
  EXPECT_EQ(c.directory.change_detection, ChangeDetection::kSyncrepl);
  EXPECT_EQ(c.directory.where, At("directory:"));
  EXPECT_EQ(c.database.backend, "sqlite3");
  EXPECT_EQ(c.database.connect_string, "db=" + dir_.File("practice.db"));
  EXPECT_EQ(c.database.schema, "reference");
  EXPECT_EQ(c.mappings_path, dir_.File("mappings"));
  EXPECT_FALSE(c.safety.max_disables_per_run.percent);
  EXPECT_EQ(c.safety.max_disables_per_run.value, 25);
  EXPECT_EQ(c.daemon.full_reconcile_interval, std::chrono::hours(1));
  EXPECT_EQ(c.daemon.admin_listen, "127.0.0.1:9464");
}

TEST_F(ConfigLoaderTest, ActiveDirectoryDefaults) {
  ConfigLoad load = Load(Replace(kMinimal, "  url:", "  flavor: active_directory\n  url:"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  const DirectoryConfig& d = load.config->directory;
  EXPECT_EQ(d.flavor, DirectoryFlavor::kActiveDirectory);
  EXPECT_EQ(d.users.attributes.login, "sAMAccountName");
  EXPECT_EQ(d.users.attributes.anchor, "objectGUID");
  EXPECT_EQ(d.users.attributes.first_name, "givenName");
  EXPECT_EQ(d.users.attributes.last_name, "sn");
  EXPECT_EQ(d.users.attributes.middle_initial, "initials");
  EXPECT_EQ(d.users.attributes.email, "mail");
  EXPECT_EQ(d.users.filter, "(&(objectCategory=person)(objectClass=user))");
  EXPECT_EQ(d.groups.filter, "(objectClass=group)");
  EXPECT_EQ(d.groups.member_attribute, "member");
  EXPECT_EQ(d.change_detection, ChangeDetection::kDirsync);
}

TEST_F(ConfigLoaderTest, KeysTheAdministratorSetsOverrideTheFlavor) {
  ConfigLoad load = Load(R"(version: 1
directory:
  flavor: active_directory
  url: ldaps://dc1.clinic.example:636
  bind_dn: pmbridge@clinic.example
  bind_password_env: HOME
  page_size: 1000
  timeout: 2m
  users:
    base_dn: OU=Staff, DC=clinic,DC=example
    filter: (&(objectClass=user)(employeeID=*))
    attributes: {login: userPrincipalName, email: proxyAddresses}
  groups:
    base_dn: OU=Groups,DC=clinic,DC=example
    filter: (objectClass=group)
    member_attribute: member
    nested: false
  change_detection: usn
database:
  connection: postgresql://host=127.0.0.1 port=5432 dbname=pm user=pmbridge
mappings: mappings
safety:
  max_disables_per_run: "5%"
daemon:
  full_reconcile_interval: 2h30m
  admin_listen: "[::1]:9500"
)");
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  const Config& c = *load.config;
  EXPECT_EQ(c.directory.bind_dn, "pmbridge@clinic.example");
  EXPECT_EQ(c.directory.bind_password_env, "HOME");
  EXPECT_EQ(c.directory.page_size, 1000);
  EXPECT_EQ(c.directory.timeout, std::chrono::minutes(2));
  EXPECT_EQ(c.directory.users.base_dn, "ou=staff,dc=clinic,dc=example");
  EXPECT_EQ(c.directory.users.filter, "(&(objectClass=user)(employeeID=*))");
  EXPECT_EQ(c.directory.users.attributes.login, "userPrincipalName");
  EXPECT_EQ(c.directory.users.attributes.anchor, "objectGUID");  // still the default
  EXPECT_EQ(c.directory.users.attributes.email, "proxyAddresses");
  EXPECT_EQ(c.directory.groups.base_dn, "ou=groups,dc=clinic,dc=example");
  EXPECT_FALSE(c.directory.groups.nested);
  EXPECT_EQ(c.directory.change_detection, ChangeDetection::kUsn);
  EXPECT_EQ(c.database.backend, "postgresql");
  EXPECT_EQ(c.database.connect_string, "host=127.0.0.1 port=5432 dbname=pm user=pmbridge");
  EXPECT_TRUE(c.safety.max_disables_per_run.percent);
  EXPECT_EQ(c.safety.max_disables_per_run.value, 5);
  EXPECT_EQ(c.daemon.full_reconcile_interval, std::chrono::seconds(9000));
  EXPECT_EQ(c.daemon.admin_listen, "[::1]:9500");
}

TEST_F(ConfigLoaderTest, RelativePathsResolveAgainstTheConfigDirectory) {
  std::filesystem::create_directories(dir_.File("etc/secrets"));
  WriteFile(dir_.File("etc/secrets/ldap.pw"), "pw\n");
  WriteFile(dir_.File("etc/ca.pem"), "-----BEGIN CERTIFICATE-----\n");
  std::string config_path = dir_.File("etc/bridge.yaml");
  WriteFile(config_path, R"(version: 1
directory:
  url: ldap://127.0.0.1
  start_tls: true
  bind_dn: cn=pmbridge,ou=services,dc=clinic,dc=example
  bind_password_file: secrets/ldap.pw
  tls_ca_file: ./ca.pem
  users: {base_dn: "ou=people,dc=clinic,dc=example"}
database:
  connection: sqlite3://db=../data/pm.db timeout=5
mappings: ../mappings/
)");
  ConfigLoad load = LoadConfig(config_path);
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  const Config& c = *load.config;
  EXPECT_EQ(c.directory.bind_password_file, dir_.File("etc/secrets/ldap.pw"));
  EXPECT_EQ(c.directory.tls_ca_file, dir_.File("etc/ca.pem"));
  EXPECT_EQ(c.mappings_path, dir_.File("mappings"));
  EXPECT_EQ(c.database.connect_string, "db=" + dir_.File("data/pm.db") + " timeout=5");
}

TEST_F(ConfigLoaderTest, SqliteConnectionForms) {
  struct Case {
    std::string_view connection;
    std::string connect_string;
  };
  const Case cases[] = {
      {"sqlite3://practice.db", "db=" + dir_.File("practice.db")},
      {"sqlite3:///var/lib/pm/practice.db", "db=/var/lib/pm/practice.db"},
      {"sqlite3://db=/var/lib/pm/practice.db", "db=/var/lib/pm/practice.db"},
      {"sqlite3://dbname=x.db", "dbname=" + dir_.File("x.db")},
      {"\"sqlite3://db=:memory:\"", "db=:memory:"},
      {"'sqlite3://db=\"my practice.db\"'", "db=\"" + dir_.File("my practice.db") + "\""},
  };
  for (const Case& c : cases) {
    ConfigLoad load = Load(Replace(kMinimal, "sqlite3://db=practice.db", c.connection));
    ASSERT_TRUE(load.config.has_value()) << c.connection << "\n" << load.diagnostics.ToString();
    EXPECT_EQ(load.config->database.backend, "sqlite3");
    EXPECT_EQ(load.config->database.connect_string, c.connect_string) << c.connection;
  }
}

TEST_F(ConfigLoaderTest, BadDatabaseConnections) {
  struct Case {
    std::string_view connection;
    std::string_view message;
    std::string_view hint;
  };
  const Case cases[] = {
      {"postgresql://pmbridge:secret@db.clinic.example/pm", "written as a URI", "key=value"},
      {"postgresql://db.clinic.example/pm", "written as a URI", "SOCI cannot parse URIs"},
      {"postgres://host=x dbname=y", "written as a URI", "key=value"},
      {"postgresql://", "is empty", "key=value"},
      {"mysql://host=x", "unsupported database connection", "sqlite3://"},
      {"practice.db", "unsupported database connection", "sqlite3://"},
      {"sqlite3://", "names no database file", "sqlite3://db="},
      {"sqlite3://timeout=5", "names no database file", "sqlite3://db="},
      {"sqlite3://db=\"unterminated", "malformed sqlite3 connection string", ""},
  };
  for (const Case& c : cases) {
    ConfigLoad load = Load(Replace(kMinimal, "sqlite3://db=practice.db", c.connection));
    EXPECT_FALSE(load.config.has_value()) << c.connection;
    const Diagnostic* d = FindDiagnostic(load.diagnostics, c.message);
    ASSERT_NE(d, nullptr) << c.connection << "\n" << load.diagnostics.ToString();
    EXPECT_EQ(d->where, At(c.connection)) << d->ToString();
    EXPECT_EQ(d->yaml_path, "database.connection");
    EXPECT_NE(d->hint.find(c.hint), std::string::npos) << d->ToString();
    // The connection string may hold a password: it is never echoed.
    EXPECT_EQ(load.diagnostics.ToString().find("secret"), std::string::npos);
  }
}

TEST_F(ConfigLoaderTest, PostgresPasswordInConfigIsAWarning) {
  ConfigLoad load = Load(Replace(kMinimal, "sqlite3://db=practice.db",
                                 "postgresql://host=127.0.0.1 dbname=pm password=hunter2"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_WARNING_AT(load.diagnostics, "database password is written", At("postgresql://"));
  EXPECT_EQ(load.diagnostics.ToString().find("hunter2"), std::string::npos);
}

TEST_F(ConfigLoaderTest, UnknownKeySuggestsTheClosestOne) {
  ConfigLoad load = Load(Replace(kMinimal, "    base_dn:", "    basedn:"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown key `basedn`", At("basedn:"));
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "unknown key");
  EXPECT_EQ(d->yaml_path, "directory.users.basedn");
  EXPECT_EQ(d->hint, "did you mean `base_dn`?");
  // ... and the key it should have been is then missing, pointed at `users:`.
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `base_dn`", At("users:"));
}

TEST_F(ConfigLoaderTest, UnknownKeyFarFromAnyListsTheAllowedOnes) {
  ConfigLoad load = Load(std::string(kMinimal) + "logging: verbose\n");
  EXPECT_ERROR_AT(load.diagnostics, "unknown key `logging`", At("logging:"));
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "unknown key");
  EXPECT_NE(d->hint.find("daemon, database, directory, mappings, safety, version"),
            std::string::npos)
      << d->hint;
}

TEST_F(ConfigLoaderTest, WrongTypes) {
  ConfigLoad load = Load(R"(version: one
directory:
  url: ldap://127.0.0.1
  page_size: yes
  start_tls: "true"
  allow_insecure_bind: 1
  users: ou=people,dc=clinic,dc=example
  groups:
    nested: [true]
database: sqlite3://db=practice.db
mappings: {dir: x}
safety:
  max_disables_per_run: [1]
daemon: 5
)");
  EXPECT_FALSE(load.config.has_value());
  const Diagnostics& d = load.diagnostics;
  EXPECT_ERROR_AT(d, "expected a whole number (0 to 1000000), got `one`", At("one"));
  EXPECT_ERROR_AT(d, "expected a whole number (1 to 10000), got `yes`", At("yes"));
  EXPECT_ERROR_AT(d, "expected true or false, got the quoted string \"true\"", At("\"true\""));
  EXPECT_EQ(FindDiagnostic(d, "the quoted string \"true\"")->hint, "remove the quotes");
  EXPECT_ERROR_AT(d, "expected true or false, got `1`", AtAfter("allow_insecure_bind: "));
  EXPECT_ERROR_AT(d, "expected a map of keys, got `ou=people,dc=clinic,dc=example`",
                  At("ou=people"));
  EXPECT_ERROR_AT(d, "expected true or false, got a list", At("[true]"));
  EXPECT_ERROR_AT(d, "expected a map of keys, got `sqlite3://db=practice.db`", At("sqlite3"));
  EXPECT_ERROR_AT(d, "expected a string, got a map", At("{dir"));
  EXPECT_ERROR_AT(d, "expected a count or a percentage, got a list", At("[1]"));
  EXPECT_ERROR_AT(d, "expected a map of keys, got `5`", AtAfter("daemon: "));
}

TEST_F(ConfigLoaderTest, MissingRequiredKeys) {
  ConfigLoad load = Load("safety: {}\n");
  EXPECT_FALSE(load.config.has_value());
  const SourceLocation top{path_, 1, 1};
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `version`", top);
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `directory`", top);
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `database`", top);
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `mappings`", top);
  EXPECT_EQ(CountErrors(load.diagnostics), 4) << load.diagnostics.ToString();

  load = Load(
      "version: 1\ndirectory:\n  flavor: openldap\ndatabase: {schema: reference}\n"
      "mappings: mappings\n");
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `url` in `directory`", At("directory:"));
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `users` in `directory`",
                  At("directory:"));
  EXPECT_ERROR_AT(load.diagnostics, "missing required key `connection` in `database`",
                  At("database:"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "`connection`")->yaml_path, "database.connection");

  load = Load("version: 1\ndirectory:\ndatabase:\nmappings:\n");
  EXPECT_ERROR_AT(load.diagnostics, "`directory` is empty", At("directory:"));
  EXPECT_ERROR_AT(load.diagnostics, "`database` is empty", At("database:"));
  EXPECT_ERROR_AT(load.diagnostics, "expected a string, got nothing", At("mappings:"));
}

TEST_F(ConfigLoaderTest, VersionOtherThanOne) {
  ConfigLoad load = Load(Replace(kMinimal, "version: 1", "version: 2"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unsupported version 2", At("2"));
  load = Load(Replace(kMinimal, "version: 1", "version: \"1\""));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "got the quoted string \"1\"", At("\"1\""));
}

TEST_F(ConfigLoaderTest, MalformedDns) {
  ConfigLoad load = Load(R"(version: 1
directory:
  url: ldap://127.0.0.1
  bind_dn: cn=pmbridge,,dc=clinic
  bind_password_file: ldap.secret
  users:
    base_dn: ou=people;dc=clinic,
  groups:
    base_dn: ou=groups\x,dc=clinic
database: {connection: "sqlite3://db=x.db"}
mappings: mappings
)");
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "malformed DN: empty RDN at offset 12", At("cn=pmbridge,,"));
  EXPECT_ERROR_AT(load.diagnostics, "malformed DN: empty RDN after the last ','", At("ou=people;"));
  EXPECT_ERROR_AT(load.diagnostics, "malformed DN: '\\' must be followed", At("ou=groups\\"));
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "ou=groups\\x,dc=clinic");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->yaml_path, "directory.groups.base_dn");
  EXPECT_NE(d->hint.find("escape"), std::string::npos);

  load = Load(Replace(kMinimal, "base_dn: ou=people,dc=clinic,dc=example", "base_dn: \"\""));
  EXPECT_ERROR_AT(load.diagnostics, "the DN must not be empty", At("\"\""));
}

TEST_F(ConfigLoaderTest, MalformedFilterPointsAtTheValueAndNamesTheOffset) {
  ConfigLoad load = Load(Replace(kMinimal, "    base_dn: ou=people,dc=clinic,dc=example\n",
                                 "    base_dn: ou=people,dc=clinic,dc=example\n"
                                 "    filter: (&(objectClass=person)(cn=a(b))\n"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "malformed LDAP filter: unescaped '(' in a value",
                  At("(&(objectClass"));
  const Diagnostic* d = FindDiagnostic(load.diagnostics, "malformed LDAP filter");
  EXPECT_NE(d->message.find("at offset 27"), std::string::npos) << d->message;
  EXPECT_EQ(d->yaml_path, "directory.users.filter");
  EXPECT_NE(d->hint.find("\\28"), std::string::npos);

  load = Load(Replace(kMinimal, "  users:\n", "  groups: {filter: objectClass=group}\n  users:\n"));
  EXPECT_ERROR_AT(load.diagnostics, "must be enclosed in parentheses", At("objectClass=group"));
}

TEST_F(ConfigLoaderTest, UrlChecks) {
  struct Case {
    std::string_view url;
    std::string_view message;
  };
  const Case cases[] = {
      {"http://127.0.0.1", "unsupported URL scheme `http://`"},
      {"ldapi:///run/slapd.sock", "unsupported URL scheme `ldapi://`"},
      {"127.0.0.1:389", "is not an LDAP URL"},
      {"ldap://", "the host is missing"},
      {"ldap://127.0.0.1:0", "is not a port"},
      {"ldap://127.0.0.1:70000", "is not a port"},
      {"ldap://127.0.0.1:x", "is not a port"},
      {"ldap://[::1", "missing ']'"},
      {"ldap://host name", "is not a host name"},
      {"ldap://127.0.0.1/dc=clinic,dc=example", "must name only the server"},
  };
  for (const Case& c : cases) {
    ConfigLoad load = Load(Replace(kMinimal, "ldap://127.0.0.1:3890", c.url));
    EXPECT_FALSE(load.config.has_value()) << c.url;
    EXPECT_ERROR_AT(load.diagnostics, c.message, At(c.url));
  }
  const std::string_view good[] = {"ldap://127.0.0.1", "ldaps://dc1.clinic.example:636",
                                   "ldap://[::1]:389/", "ldap://localhost"};
  for (std::string_view url : good) {
    ConfigLoad load = Load(Replace(kMinimal, "ldap://127.0.0.1:3890", url));
    EXPECT_TRUE(load.config.has_value()) << url << "\n" << load.diagnostics.ToString();
  }
}

TEST_F(ConfigLoaderTest, StartTlsWithLdapsIsAnError) {
  ConfigLoad load = Load(Replace(kMinimal, "  url: ldap://127.0.0.1:3890\n",
                                 "  url: ldaps://127.0.0.1:6360\n  start_tls: true\n"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "start_tls cannot be used with an ldaps:// url",
                  At("ldaps://"));
}

TEST_F(ConfigLoaderTest, PlaintextBindToAnotherHostIsRefused) {
  std::string remote = Replace(kMinimal, "  url: ldap://127.0.0.1:3890\n",
                               "  url: ldap://dc1.clinic.example\n"
                               "  bind_dn: cn=pmbridge,ou=services,dc=clinic,dc=example\n"
                               "  bind_password_file: ldap.secret\n");
  ConfigLoad load = Load(remote);
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "in clear text to dc1.clinic.example", At("ldap://dc1"));

  for (std::string_view fix : {"  start_tls: true\n", "  allow_insecure_bind: true\n"}) {
    load = Load(Replace(remote, "  bind_dn:", std::string(fix) + "  bind_dn:"));
    EXPECT_TRUE(load.config.has_value()) << fix << load.diagnostics.ToString();
  }
  load = Load(Replace(remote, "ldap://dc1", "ldaps://dc1"));
  EXPECT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
}

TEST_F(ConfigLoaderTest, UnknownFlavorAndChangeDetectionListTheAllowedValues) {
  ConfigLoad load = Load(Replace(
      kMinimal, "  url:", "  flavor: activedirectory\n  change_detection: polling\n  url:"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "unknown flavor `activedirectory`", At("activedirectory"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown flavor")->hint,
            "did you mean `active_directory`? allowed: active_directory, openldap");
  EXPECT_ERROR_AT(load.diagnostics, "unknown change_detection `polling`", At("polling"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown change_detection")->hint,
            "did you mean `poll`? allowed: syncrepl, dirsync, usn, poll");
}

TEST_F(ConfigLoaderTest, ChangeDetectionMustSuitTheFlavor) {
  ConfigLoad load = Load(Replace(kMinimal, "  url:", "  change_detection: dirsync\n  url:"));
  EXPECT_ERROR_AT(load.diagnostics, "dirsync is not available with flavor openldap", At("dirsync"));
  load = Load(Replace(
      kMinimal, "  url:", "  flavor: active_directory\n  change_detection: syncrepl\n  url:"));
  EXPECT_ERROR_AT(load.diagnostics, "syncrepl is not available with flavor active_directory",
                  At("syncrepl"));
  load = Load(Replace(kMinimal, "  url:", "  change_detection: poll\n  url:"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.config->directory.change_detection, ChangeDetection::kPoll);
}

TEST(ChangeDetectionKeywordTest, NamesEachStrategyAsBridgeYamlDoes) {
  EXPECT_EQ(ChangeDetectionKeyword(ChangeDetection::kSyncrepl), "syncrepl");
  EXPECT_EQ(ChangeDetectionKeyword(ChangeDetection::kDirsync), "dirsync");
  EXPECT_EQ(ChangeDetectionKeyword(ChangeDetection::kUsn), "usn");
  EXPECT_EQ(ChangeDetectionKeyword(ChangeDetection::kPoll), "poll");
}

TEST_F(ConfigLoaderTest, PollIntervalTakesMillisecondsOrADuration) {
  ConfigLoad load = Load(kMinimal);
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.config->directory.poll_interval, std::chrono::seconds(1));
  load = Load(Replace(kMinimal, "  url:", "  poll_interval: 250ms\n  url:"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.config->directory.poll_interval, std::chrono::milliseconds(250));
  load = Load(Replace(kMinimal, "  url:", "  poll_interval: 2m\n  url:"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.config->directory.poll_interval, std::chrono::minutes(2));
  load = Load(Replace(kMinimal, "  url:", "  poll_interval: 5ms\n  url:"));
  EXPECT_ERROR_AT(load.diagnostics, "poll_interval `5ms` out of range", At("5ms"));
  load = Load(Replace(kMinimal, "  url:", "  poll_interval: soon\n  url:"));
  EXPECT_ERROR_AT(load.diagnostics, "`soon` is not a duration", At("soon"));
}

constexpr std::string_view kWithPassword = R"(version: 1
directory:
  url: ldap://127.0.0.1:3890
  bind_dn: cn=pmbridge,ou=services,dc=clinic,dc=example
  bind_password_file: ldap.secret
  users:
    base_dn: ou=people,dc=clinic,dc=example
database:
  connection: sqlite3://db=practice.db
mappings: mappings/
)";

TEST_F(ConfigLoaderTest, PasswordFileMustExist) {
  ConfigLoad load = Load(Replace(kWithPassword, "ldap.secret", "missing.secret"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "bind_password_file " + dir_.File("missing.secret"),
                  At("missing.secret"));
  EXPECT_NE(FindDiagnostic(load.diagnostics, "missing.secret")->message.find("No such file"),
            std::string::npos);
}

TEST_F(ConfigLoaderTest, WorldReadablePasswordFileIsAnError) {
  chmod(dir_.File("ldap.secret").c_str(), 0644);
  ConfigLoad load = Load(kWithPassword);
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "is readable by every user", At("ldap.secret"));
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "readable by every user")->hint,
            "chmod 600 " + dir_.File("ldap.secret"));
  // The secret itself never appears.
  EXPECT_EQ(load.diagnostics.ToString().find("s3cret"), std::string::npos);
}

TEST_F(ConfigLoaderTest, GroupReadablePasswordFileIsAWarning) {
  chmod(dir_.File("ldap.secret").c_str(), 0640);
  ConfigLoad load = Load(kWithPassword);
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_WARNING_AT(load.diagnostics, "is readable by its group", At("ldap.secret"));
}

TEST_F(ConfigLoaderTest, PasswordSources) {
  ConfigLoad load = Load(Replace(kWithPassword, "  bind_password_file: ldap.secret\n",
                                 "  bind_password_file: ldap.secret\n"
                                 "  bind_password_env: LDAP_PW\n"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "both bind_password_file and bind_password_env are set",
                  At("bind_password_env"));

  load = Load(Replace(kWithPassword, "  bind_password_file: ldap.secret\n", ""));
  EXPECT_ERROR_AT(load.diagnostics, "bind_dn is set but no password source is", At("bind_dn"));

  load = Load(
      Replace(kWithPassword, "bind_password_file: ldap.secret", "bind_password_env: secret value"));
  EXPECT_ERROR_AT(load.diagnostics, "is not an environment variable name", At("secret value"));

  load = Load(Replace(kWithPassword, "bind_password_file: ldap.secret",
                      "bind_password_env: PMBRIDGE_TEST_SURELY_UNSET_VARIABLE"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_WARNING_AT(load.diagnostics, "is not set here", At("PMBRIDGE_TEST_SURELY"));
}

TEST_F(ConfigLoaderTest, TlsCaFileMustExist) {
  ConfigLoad load = Load(Replace(kMinimal, "  url: ldap://127.0.0.1:3890\n",
                                 "  url: ldaps://127.0.0.1\n  tls_ca_file: ca.pem\n"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "tls_ca_file " + dir_.File("ca.pem"), At("ca.pem"));

  WriteFile(dir_.File("ca.pem"), "x");
  load = Load(Replace(kMinimal, "  url: ldap://127.0.0.1:3890\n",
                      "  url: ldap://127.0.0.1\n  tls_ca_file: ca.pem\n"));
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_WARNING_AT(load.diagnostics, "tls_ca_file is unused", At("ca.pem"));
}

TEST_F(ConfigLoaderTest, MappingsPathMustExist) {
  ConfigLoad load = Load(Replace(kMinimal, "mappings: mappings/", "mappings: ../nowhere/"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "does not exist", At("../nowhere/"));
}

TEST_F(ConfigLoaderTest, MaxDisablesPerRun) {
  struct Case {
    std::string_view value;
    bool ok;
    bool percent;
    double number;
  };
  const Case cases[] = {
      {"25", true, false, 25},   {"0", true, false, 0},      {"\"5%\"", true, true, 5},
      {"5%", true, true, 5},     {"2.5%", true, true, 2.5},  {"100%", true, true, 100},
      {"0%", false, false, 0},   {"150%", false, false, 0},  {"-1", false, false, 0},
      {"-5%", false, false, 0},  {"abc", false, false, 0},   {"\"25\"", false, false, 0},
      {"25.5", false, false, 0}, {"\"%\"", false, false, 0}, {"5 %", false, false, 0},
      {"nan%", false, false, 0}, {"1e2%", false, false, 0},  {"yes", false, false, 0},
  };
  for (const Case& c : cases) {
    ConfigLoad load = Load(std::string(kMinimal) +
                           "safety:\n  max_disables_per_run: " + std::string(c.value) + "\n");
    ASSERT_EQ(load.config.has_value(), c.ok) << c.value << "\n" << load.diagnostics.ToString();
    if (c.ok) {
      EXPECT_EQ(load.config->safety.max_disables_per_run.percent, c.percent) << c.value;
      EXPECT_EQ(load.config->safety.max_disables_per_run.value, c.number) << c.value;
    } else {
      ASSERT_EQ(load.diagnostics.items().size(), 1u) << load.diagnostics.ToString();
      const Diagnostic& d = load.diagnostics.items()[0];
      EXPECT_EQ(d.where, AtAfter("max_disables_per_run: ")) << c.value << ": " << d.ToString();
      EXPECT_EQ(d.yaml_path, "safety.max_disables_per_run");
    }
  }
}

TEST_F(ConfigLoaderTest, Durations) {
  ConfigLoad load = Load(std::string(kMinimal) + "daemon:\n  full_reconcile_interval: 1x\n");
  EXPECT_ERROR_AT(load.diagnostics, "`1x` is not a duration", At("1x"));
  load = Load(std::string(kMinimal) + "daemon:\n  full_reconcile_interval: 0\n");
  EXPECT_ERROR_AT(load.diagnostics, "out of range", AtAfter("full_reconcile_interval: "));
  load = Load(Replace(kMinimal, "  url:", "  timeout: 30m15\n  url:"));
  EXPECT_ERROR_AT(load.diagnostics, "`30m15` is not a duration", At("30m15"));
  load = Load(std::string(kMinimal) + "daemon:\n  full_reconcile_interval: 90\n");
  ASSERT_TRUE(load.config.has_value()) << load.diagnostics.ToString();
  EXPECT_EQ(load.config->daemon.full_reconcile_interval, std::chrono::seconds(90));
}

TEST_F(ConfigLoaderTest, AdminListen) {
  struct Case {
    std::string_view value;
    std::string_view message;  // empty: valid
  };
  const Case cases[] = {
      {"127.0.0.1:9464", ""},
      {"localhost:9464", ""},
      {"\"[::1]:9464\"", ""},
      {"127.0.0.1", "the port is missing"},
      {"9464", "the port is missing"},
      {":9464", "the host is missing"},
      {"127.0.0.1:99999", "is not a port"},
      {"127.0.0.1:http", "is not a port"},
      {"\"[::1\"", "missing ']'"},
      {"\"[zz]:1\"", "is not an IPv6 address"},
  };
  for (const Case& c : cases) {
    ConfigLoad load =
        Load(std::string(kMinimal) + "daemon:\n  admin_listen: " + std::string(c.value) + "\n");
    if (c.message.empty()) {
      EXPECT_TRUE(load.config.has_value()) << c.value << load.diagnostics.ToString();
      EXPECT_TRUE(load.diagnostics.items().empty()) << load.diagnostics.ToString();
    } else {
      EXPECT_FALSE(load.config.has_value()) << c.value;
      EXPECT_ERROR_AT(load.diagnostics, c.message, AtAfter("admin_listen: "));
    }
  }
  ConfigLoad load = Load(std::string(kMinimal) + "daemon:\n  admin_listen: 0.0.0.0:9464\n");
  ASSERT_TRUE(load.config.has_value());
  EXPECT_WARNING_AT(load.diagnostics, "reachable from other hosts", At("0.0.0.0"));
}

TEST_F(ConfigLoaderTest, PageSizeRange) {
  for (std::string_view bad : {"0", "10001", "-3", "99999999999999999999"}) {
    ConfigLoad load =
        Load(Replace(kMinimal, "  url:", "  page_size: " + std::string(bad) + "\n  url:"));
    EXPECT_FALSE(load.config.has_value()) << bad;
    EXPECT_ERROR_AT(load.diagnostics, "out of range", AtAfter("page_size: "));
  }
}

TEST_F(ConfigLoaderTest, DuplicateKeyIsAnErrorNamingBothPlaces) {
  ConfigLoad load = Load(R"(version: 1
directory:
  url: ldap://127.0.0.1:3890
  users:
    base_dn: ou=people,dc=clinic,dc=example
  url: ldap://10.0.0.5
database:
  connection: sqlite3://db=practice.db
mappings: mappings/
)");
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics,
                  "`url` is set twice in this map; the first is at " + At("url:").ToString(),
                  At("url:", 1));
}

TEST_F(ConfigLoaderTest, AllErrorsAreCollected) {
  ConfigLoad load = Load(R"(version: 1
directory:
  url: http://127.0.0.1
  flavour: openldap
  users:
    base_dn: ou=people,,dc=x
    filter: (cn=*
database:
  connection: postgresql://u@h/db
mappings: nowhere
safety:
  max_disables_per_run: 200%
)");
  EXPECT_FALSE(load.config.has_value());
  EXPECT_EQ(CountErrors(load.diagnostics), 7) << load.diagnostics.ToString();
  EXPECT_NE(FindDiagnostic(load.diagnostics, "unknown key `flavour`"), nullptr);
  EXPECT_EQ(FindDiagnostic(load.diagnostics, "unknown key `flavour`")->hint,
            "did you mean `flavor`?");
}

TEST_F(ConfigLoaderTest, YamlSyntaxErrorsHaveAPosition) {
  ConfigLoad load = Load("version: 1\ndirectory:\n  url: [ldap://x\n");
  EXPECT_FALSE(load.config.has_value());
  ASSERT_EQ(load.diagnostics.items().size(), 1u) << load.diagnostics.ToString();
  const Diagnostic& d = load.diagnostics.items()[0];
  EXPECT_NE(d.message.find("YAML syntax error"), std::string::npos);
  EXPECT_EQ(d.where.file, path_);
  EXPECT_GT(d.where.line, 0);

  load = Load("version: 1\ndirectory:\n\turl: ldap://x\n");
  ASSERT_EQ(load.diagnostics.items().size(), 1u) << load.diagnostics.ToString();
  EXPECT_NE(load.diagnostics.items()[0].hint.find("tab"), std::string::npos)
      << load.diagnostics.ToString();
}

// yaml-cpp 0.7 never consumes a ',' where a document should start: LoadAll() loops until
// memory runs out and Load() returns an empty document (found by the config fuzzer).
TEST_F(ConfigLoaderTest, StrayCommaIsASyntaxErrorNotAHang) {
  ConfigLoad load = Load(",\n" + std::string(kMinimal));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "YAML syntax error: unexpected ','",
                  (SourceLocation{path_, 1, 1}));
  load = Load("# comment\n  ,\n");
  EXPECT_ERROR_AT(load.diagnostics, "unexpected ','", (SourceLocation{path_, 2, 3}));
  load = Load("[a]\n,\n");
  EXPECT_ERROR_AT(load.diagnostics, "unexpected ','", (SourceLocation{path_, 2, 1}));
}

TEST_F(ConfigLoaderTest, EmptyFileAndSecondDocument) {
  ConfigLoad load = Load("# nothing yet\n");
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "the configuration file is empty",
                  (SourceLocation{path_, 1, 1}));

  load = Load(std::string(kMinimal) + "---\nversion: 1\n");
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "more than one YAML document", At("version: 1", 1));
}

TEST_F(ConfigLoaderTest, NonScalarKeysAndOddInputDoNotCrash) {
  const std::string_view inputs[] = {
      "? [a, b]\n: c\n",
      "[1, 2, 3]\n",
      "just a string\n",
      "~\n",
      "version: &v 1\nx: *v\n",
      "a: &a [*a]\n",
      "{version: 1, directory: {url: !!binary x}}\n",
      "directory: {users: {attributes: {login: [uid]}}}\n",
      "directory: {users: {attributes: {login: 'u id'}}}\n",
  };
  for (std::string_view input : inputs) {
    ConfigLoad load = Load(input);
    EXPECT_FALSE(load.config.has_value()) << input;
    EXPECT_TRUE(load.diagnostics.has_errors()) << input;
  }
}

TEST_F(ConfigLoaderTest, MissingConfigFile) {
  ConfigLoad load = LoadConfig(dir_.File("nope.yaml"));
  EXPECT_FALSE(load.config.has_value());
  EXPECT_ERROR_AT(load.diagnostics, "cannot read the config file",
                  (SourceLocation{dir_.File("nope.yaml"), 0, 0}));
}

TEST(ParseDurationTest, Forms) {
  using std::chrono::seconds;
  EXPECT_EQ(ParseDuration("30s"), seconds(30));
  EXPECT_EQ(ParseDuration("15m"), seconds(900));
  EXPECT_EQ(ParseDuration("1h"), seconds(3600));
  EXPECT_EQ(ParseDuration("2h30m"), seconds(9000));
  EXPECT_EQ(ParseDuration("1d2h3m4s"), seconds(93784));
  EXPECT_EQ(ParseDuration("90"), seconds(90));
  EXPECT_EQ(ParseDuration("0"), seconds(0));
  for (const char* bad : {"", "s", "1.5h", "-1s", "1h1h", "30m2h", "1w", "1 h", " 1h", "1h ", "h1",
                          "99999999999999999s", "999999999999d"}) {
    EXPECT_EQ(ParseDuration(bad), std::nullopt) << bad;
  }
}

TEST(MaxDisablesTest, LimitAndToString) {
  MaxDisables count{false, 25};
  EXPECT_EQ(count.Limit(1000), 25);
  EXPECT_EQ(count.Limit(0), 25);
  EXPECT_EQ(count.ToString(), "25");
  // One person leaving is always applied.
  EXPECT_EQ((MaxDisables{false, 0}).Limit(1000), 1);
  MaxDisables percent{true, 5};
  EXPECT_EQ(percent.Limit(1000), 50);
  EXPECT_EQ(percent.Limit(39), 1);  // 1.95 rounds down
  EXPECT_EQ(percent.Limit(10), 1);  // 0.5 -> never below 1
  EXPECT_EQ(percent.Limit(0), 1);
  EXPECT_EQ(percent.ToString(), "5%");
  EXPECT_EQ((MaxDisables{true, 2.5}).ToString(), "2.5%");
  EXPECT_EQ((MaxDisables{true, 2.5}).Limit(1000), 25);
  EXPECT_EQ((MaxDisables{true, 100}).Limit(7), 7);
}

class ReadBindPasswordTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ReadBindPasswordTest, FromFileStripsOneTrailingNewline) {
  DirectoryConfig d;
  d.bind_dn = "cn=x";
  d.bind_password_file = dir_.File("pw");
  struct Case {
    std::string content;
    std::string password;
  };
  const Case cases[] = {{"s3cret\n", "s3cret"},
                        {"s3cret\r\n", "s3cret"},
                        {"s3cret", "s3cret"},
                        {"s3cret\n\n", "s3cret\n"},
                        {" spaced \n", " spaced "}};
  for (const Case& c : cases) {
    WriteFile(d.bind_password_file, c.content);
    Result<std::string> pw = ReadBindPassword(d);
    ASSERT_TRUE(pw.ok()) << pw.status().ToString();
    EXPECT_EQ(*pw, c.password);
  }
}

TEST_F(ReadBindPasswordTest, FailuresNeverShowTheSecret) {
  DirectoryConfig d;
  d.bind_dn = "cn=x";
  d.bind_password_file = dir_.File("missing");
  Result<std::string> pw = ReadBindPassword(d);
  ASSERT_FALSE(pw.ok());
  EXPECT_EQ(pw.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(pw.status().message().find(dir_.File("missing")), std::string::npos);

  // An empty password would make the simple bind an unauthenticated one.
  d.bind_password_file = dir_.File("empty");
  WriteFile(d.bind_password_file, "\n");
  EXPECT_FALSE(ReadBindPassword(d).ok());

  d.bind_password_file.clear();
  d.bind_password_env = "PMBRIDGE_TEST_BIND_PW";
  setenv("PMBRIDGE_TEST_BIND_PW", "env-s3cret", 1);
  pw = ReadBindPassword(d);
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(*pw, "env-s3cret");
  setenv("PMBRIDGE_TEST_BIND_PW", "", 1);
  pw = ReadBindPassword(d);
  ASSERT_FALSE(pw.ok());
  EXPECT_EQ(pw.status().message().find("s3cret"), std::string::npos);
  unsetenv("PMBRIDGE_TEST_BIND_PW");
  EXPECT_FALSE(ReadBindPassword(d).ok());

  d.bind_password_env.clear();
  EXPECT_FALSE(ReadBindPassword(d).ok());  // bind_dn without a password source
  d.bind_dn.clear();
  pw = ReadBindPassword(d);  // anonymous
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(*pw, "");
}

}  // namespace
}  // namespace pmbridge
