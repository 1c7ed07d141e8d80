#include "tests/integration/scenarios/bridge_scenario.h"

#include <soci/soci.h>

#include <filesystem>

#include "bridge/config/config.h"
#include "bridge/pm_database.h"
#include "tests/support/postgres_server.h"

namespace pmbridge::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
}

std::string ClinicMapping() { return ReadFile(SourceDir() + "/mappings/clinic.yaml"); }

void BridgeScenario::SetUp() {
  dir_ = std::make_unique<TempDir>();
  StartDirectory();
  if (HasFatalFailure()) return;
  if (GetParam() == Backend::kSqlite) {
    db_backend_ = "sqlite3";
    db_connect_ = "db=" + dir_->File("practice.db");
  } else {
    db_backend_ = "postgresql";
    db_connect_ = PostgresServer::Instance().CreateDatabase();
  }
  std::filesystem::create_directories(dir_->File("mappings"));
  WriteMapping(ClinicMapping());
  WriteConfig();
  Expect(0, {"db", "init"});
  Sql("INSERT INTO pm_providers (code, name) VALUES ('DRSMITH', 'Dr. Smith')");
  Sql("INSERT INTO pm_providers (code, name) VALUES ('DRJONES', 'Dr. Jones')");
  Sql("INSERT INTO pm_providers (code, name) VALUES ('DRPATEL', 'Dr. Patel')");
}

void BridgeScenario::TearDown() {
  slapd_.reset();
  dir_.reset();
}

void BridgeScenario::StartDirectory() {
  slapd_ = SlapdServer::Start({ClinicLdif()});
  ASSERT_NE(slapd_, nullptr);
  WriteFile(dir_->File("ldap.secret"), kServicePassword);
}

std::string BridgeScenario::DirectorySection() {
  std::string c;
  auto line = [&c](const std::string& text) { c += text + "\n"; };
  line("directory:");
  line("  url: " + slapd_->url());
  line("  bind_dn: " + std::string(kServiceBindDn));
  line("  bind_password_file: ldap.secret");
  line("  timeout: 5s");
  if (!page_size_.empty()) line("  page_size: " + page_size_);
  line("  users:");
  line("    base_dn: ou=people,dc=clinic,dc=example");
  if (!users_filter_.empty()) line("    filter: \"" + users_filter_ + "\"");
  line("  groups:");
  line("    base_dn: ou=groups,dc=clinic,dc=example");
  return c;
}

void BridgeScenario::WriteConfig() {
  std::string c;
  auto line = [&c](const std::string& text) { c += text + "\n"; };
  line("version: 1");
  c += DirectorySection();
  line("database:");
  line("  connection: \"" + db_backend_ + "://" + db_connect_ + "\"");
  line("mappings: mappings/");
  line("safety:");
  line("  max_disables_per_run: " + max_disables_);
  c += daemon_section_;
  WriteFile(dir_->File("bridge.yaml"), c);
}

void BridgeScenario::WriteMapping(const std::string& text) {
  WriteFile(dir_->File("mappings/clinic.yaml"), text);
}

ProcessResult BridgeScenario::Pmbridge(const std::vector<std::string>& args,
                                       const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {PmbridgeBinary(), "--config", dir_->File("bridge.yaml")};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::Run(argv, env);
}

ProcessResult BridgeScenario::Expect(int exit_code, const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env) {
  ProcessResult r = Pmbridge(args, env);
  std::string command;
  for (const std::string& a : args) command += " " + a;
  EXPECT_EQ(r.exit_code, exit_code) << "pmbridge" << command << "\n--- stdout\n"
                                    << r.out << "--- stderr\n"
                                    << r.err;
  return r;
}

void BridgeScenario::Ldif(const std::string& ldif) { slapd_->Modify(ldif); }

void BridgeScenario::DeleteEntry(const std::string& dn) {
  Ldif("dn: " + dn + "\nchangetype: delete\n");
}

void BridgeScenario::AddMember(const std::string& group_cn, const std::string& uid) {
  Ldif("dn: cn=" + group_cn +
       ",ou=groups,dc=clinic,dc=example\nchangetype: modify\nadd: member\n"
       "member: uid=" +
       uid + ",ou=people,dc=clinic,dc=example\n");
}

void BridgeScenario::RemoveMember(const std::string& group_cn, const std::string& uid) {
  Ldif("dn: cn=" + group_cn +
       ",ou=groups,dc=clinic,dc=example\nchangetype: modify\n"
       "delete: member\nmember: uid=" +
       uid + ",ou=people,dc=clinic,dc=example\n");
}

void BridgeScenario::AddPerson(const std::string& uid, const std::string& rdn) {
  const std::string dn_rdn = rdn.empty() ? "uid=" + uid : rdn;
  // The entry must hold its RDN's value: cn=<x> names need cn: <x>.
  const std::string cn = dn_rdn.rfind("cn=", 0) == 0 ? dn_rdn.substr(3) : uid + " Person";
  Ldif("dn: " + dn_rdn +
       ",ou=people,dc=clinic,dc=example\nchangetype: add\n"
       "objectClass: inetOrgPerson\nuid: " +
       uid + "\ncn: " + cn +
       "\nsn: Person\n"
       "givenName: " +
       uid + "\nmail: " + uid + "@clinic.example\n");
}

CurrentState BridgeScenario::Db() {
  DatabaseConfig config;
  config.backend = db_backend_;
  config.connect_string = db_connect_;
  auto db = OpenPmDatabase(config);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return {};
  auto state = (*db)->LoadCurrentState();
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  return state.ok() ? *state : CurrentState{};
}

std::optional<PmAccount> BridgeScenario::Account(const std::string& login) {
  for (const PmAccount& a : Db().accounts) {
    if (a.fields.login == login) return a;
  }
  return std::nullopt;
}

bool BridgeScenario::IsManaged(const std::string& login) {
  CurrentState s = Db();
  for (const PmAccount& a : s.accounts) {
    if (a.fields.login != login) continue;
    for (const AccountLink& l : s.links) {
      if (l.user_id == a.user_id) return true;
    }
  }
  return false;
}

long long BridgeScenario::Scalar(const std::string& sql) {
  soci::session s(db_backend_, db_connect_);
  long long value = 0;
  s << sql, soci::into(value);
  return value;
}

void BridgeScenario::Sql(const std::string& sql) {
  soci::session s(db_backend_, db_connect_);
  s << sql;
}

std::optional<std::string> BridgeScenario::Text(const std::string& sql) {
  soci::session s(db_backend_, db_connect_);
  std::string value;
  soci::indicator ind = soci::i_null;
  s << sql, soci::into(value, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return value;
}

}  // namespace pmbridge::testing
