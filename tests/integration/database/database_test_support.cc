#include "tests/integration/database/database_test_support.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <sstream>

#include "connectors/database/sql_backend.h"
#include "tests/support/postgres_server.h"

namespace pmbridge::testing {

void DatabaseTest::SetUp() {
  config_.backend = GetParam();
  config_.schema = "reference";
  if (postgres()) {
    config_.connect_string = CreatePostgresDatabase();
    sql_ = std::make_unique<soci::session>(soci::postgresql, config_.connect_string);
    *sql_ << "SET client_min_messages = warning";
  } else {
    config_.connect_string = "db=" + dir_.File("practice.db");
    sql_ = std::make_unique<soci::session>(soci::sqlite3, config_.connect_string);
    *sql_ << "PRAGMA busy_timeout = 10000";
  }
  Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(*db);
}

std::unique_ptr<PmDatabase> DatabaseTest::OpenAnother() const {
  Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config_);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(*db) : nullptr;
}

void DatabaseTest::InitializeClinic() {
  Status status = db_->Initialize();
  ASSERT_TRUE(status.ok()) << status.ToString();
  for (const char* code : {"DRSMITH", "DRJONES", "DRPATEL"}) {
    std::string c = code;
    std::string name = std::string("Dr ") + code;
    *sql_ << "INSERT INTO pm_providers (code, name) VALUES (:code, :name)", soci::use(c),
        soci::use(name);
  }
}

void DatabaseTest::ApplyAndCommit(const Plan& plan, const AuditContext& context) {
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  Status applied = (*txn)->Apply(plan, context);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  Status committed = (*txn)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();
}

CurrentState DatabaseTest::Load() {
  Result<CurrentState> state = db_->LoadCurrentState();
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  return state.ok() ? std::move(*state) : CurrentState{};
}

long long DatabaseTest::Count(const std::string& table) {
  long long count = -1;
  *sql_ << "SELECT count(*) FROM " + table, soci::into(count);
  return count;
}

std::string DatabaseTest::UserTimestamp(const std::string& column, const std::string& login) {
  std::string value;
  soci::indicator ind = soci::i_null;
  std::string key = login;
  SqlBackend backend = postgres() ? SqlBackend::kPostgresql : SqlBackend::kSqlite;
  *sql_ << "SELECT " + TimestampAsText(backend, column) + " FROM pm_users WHERE login_id = :l",
      soci::into(value, ind), soci::use(key);
  return ind == soci::i_ok ? value : "";
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

std::vector<std::string> Backends() { return {"sqlite3", "postgresql"}; }

std::chrono::system_clock::time_point TestTime(int seconds) {
  // 2026-11-23T08:50:51.123Z
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795423851123LL)) +
         std::chrono::seconds(seconds);
}

AuditContext Context(int seconds, const std::string& event) {
  return AuditContext{"pmbridge test (root@localhost)", event, TestTime(seconds)};
}

AccountFields Alice() {
  AccountFields f;
  f.login = "alice";
  f.first_name = "Alice";
  f.last_name = "Anders";
  f.middle_initial = "M";
  f.email = "alice@clinic.example";
  f.super_user = true;
  f.access_security = true;
  for (const char* module : {"charges", "patients", "payments", "reports", "scheduling", "setup"}) {
    f.rights.Grant(module, kAllRights);
  }
  f.providers = ProviderScope::All();
  return f;
}

AccountFields Bob() {
  AccountFields f;
  f.login = "bob";
  f.first_name = "Bob";
  f.last_name = "Brown";
  f.email = "bob@clinic.example";
  f.rights.Grant("patients", kView | kEdit);
  f.rights.Grant("scheduling", kView | kEdit | kDelete);
  f.providers = ProviderScope::Selected({"DRJONES", "DRSMITH"});
  return f;
}

Change CreateChange(const AccountFields& after, const std::string& anchor, const std::string& dn) {
  Change c;
  c.action = ChangeAction::kCreate;
  c.login = after.login;
  c.anchor = anchor;
  c.dn = dn;
  c.reasons = {"member of cn=pm-front-desk,ou=groups,dc=clinic,dc=example"};
  c.after = after;
  return c;
}

Change UpdateChange(std::int64_t user_id, const AccountFields& before, const AccountFields& after,
                    const std::string& anchor, const std::string& dn) {
  Change c;
  c.action = ChangeAction::kUpdate;
  c.login = after.login;
  c.anchor = anchor;
  c.dn = dn;
  c.user_id = user_id;
  c.reasons = {"directory attributes changed"};
  c.before = before;
  c.after = after;
  return c;
}

Change DisableChange(std::int64_t user_id, const AccountFields& before, const std::string& anchor,
                     const std::string& reason) {
  Change c;
  c.action = ChangeAction::kDisable;
  c.login = before.login;
  c.anchor = anchor;
  c.user_id = user_id;
  c.reasons = {reason};
  c.before = before;
  c.after = before;
  c.after.active = false;
  c.after.super_user = false;
  c.after.access_security = false;
  c.after.rights = RightSet();
  c.after.providers = ProviderScope();
  c.disabled_reason = reason;
  return c;
}

Change EnableChange(std::int64_t user_id, const AccountFields& before, const AccountFields& after,
                    const std::string& anchor, const std::string& dn) {
  Change c = UpdateChange(user_id, before, after, anchor, dn);
  c.action = ChangeAction::kEnable;
  c.reasons = {"entitled again"};
  return c;
}

Plan PlanOf(std::vector<Change> changes) {
  Plan plan;
  plan.changes = std::move(changes);
  return plan;
}

const PmAccount* FindAccount(const CurrentState& state, const std::string& login) {
  for (const PmAccount& a : state.accounts) {
    if (a.fields.login == login) return &a;
  }
  return nullptr;
}

const AccountLink* FindLink(const CurrentState& state, std::int64_t user_id) {
  for (const AccountLink& l : state.links) {
    if (l.user_id == user_id) return &l;
  }
  return nullptr;
}

std::string Describe(const CurrentState& state) {
  std::ostringstream out;
  for (const PmAccount& a : state.accounts) {
    const AccountFields& f = a.fields;
    out << a.user_id << " " << f.login << " " << f.last_name << "," << f.first_name << ","
        << f.middle_initial << "," << f.email << " active=" << f.active << " su=" << f.super_user
        << " as=" << f.access_security << " rights=[" << f.rights.ToString()
        << "] providers=" << f.providers.ToString() << " auth=" << a.auth_source
        << " disabled=" << a.disabled_reason << "\n";
  }
  for (const AccountLink& l : state.links) {
    out << "link " << l.user_id << " " << l.anchor << " " << l.dn << "\n";
  }
  return out.str();
}

}  // namespace pmbridge::testing
