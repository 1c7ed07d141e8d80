// The database connector's reads and writes, on SQLite and PostgreSQL: schema setup, every
// kind of change round-tripping through LoadCurrentState, and pmbridge_state.
#include <gtest/gtest.h>

#include "bridge/clock.h"
#include "bridge/pm_database.h"
#include "connectors/database/row_cursor.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

constexpr char kAliceAnchor[] = "0f6a8c52-3b7e-4c1d-9a63-1d2f6e0b7a01";
constexpr char kAliceDn[] = "uid=alice,ou=people,dc=clinic,dc=example";
constexpr char kBobAnchor[] = "6c1e2d7a-91b4-4f0e-8d55-3a7b9c0e1f02";
constexpr char kBobDn[] = "uid=bob,ou=people,dc=clinic,dc=example";

using PmDatabaseTest = DatabaseTest;

TEST_P(PmDatabaseTest, InitializeIsIdempotentAndSeedsModulesOnce) {
  Result<bool> before = db_->IsInitialized();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_FALSE(*before);

  ASSERT_TRUE(db_->Initialize().ok());
  Status again = db_->Initialize();
  ASSERT_TRUE(again.ok()) << again.ToString();

  Result<bool> after = db_->IsInitialized();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
  EXPECT_EQ(Count("pm_modules"), 6);
  std::string name;
  sql() << "SELECT name FROM pm_modules WHERE code = 'scheduling'", soci::into(name);
  EXPECT_EQ(name, "Scheduling");

  Result<std::optional<std::string>> version = db_->GetState("pmbridge_schema_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->value_or(""), "1");
  EXPECT_EQ(Count("pmbridge_state"), 1);

  CurrentState state = Load();
  EXPECT_EQ(state.catalog.modules, (std::set<std::string>{"charges", "patients", "payments",
                                                          "reports", "scheduling", "setup"}));
  EXPECT_TRUE(state.catalog.providers.empty());
  EXPECT_TRUE(state.accounts.empty());
}

TEST_P(PmDatabaseTest, LoadBeforeInitializeSaysRunDbInit) {
  Result<CurrentState> state = db_->LoadCurrentState();
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), ErrorCode::kDatabase);
  EXPECT_NE(state.status().message().find("db init"), std::string::npos)
      << state.status().message();
}

TEST_P(PmDatabaseTest, CreateRoundTripsEveryField) {
  InitializeClinic();
  AccountFields odd = Bob();
  odd.login = "o'brien";
  // Every character COPY's text format treats specially, plus quotes and non-ASCII.
  odd.last_name = "O'Brien\\Smith\tJr\nthe \"third\"\r";
  odd.first_name = "Zoë";
  odd.middle_initial = "";
  odd.email = "";
  odd.providers = ProviderScope::Selected({"DRPATEL"});
  odd.rights = RightSet();
  odd.rights.Grant("reports", kView);

  ApplyAndCommit(PlanOf({CreateChange(Alice(), kAliceAnchor, kAliceDn),
                         CreateChange(Bob(), kBobAnchor, kBobDn),
                         CreateChange(odd, "anchor-odd", "uid=o'brien,ou=people,dc=x")}),
                 Context());

  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), 3u);
  EXPECT_EQ(state.catalog.providers.size(), 3u);
  for (const AccountFields& expected : {Alice(), Bob(), odd}) {
    const PmAccount* account = FindAccount(state, expected.login);
    ASSERT_NE(account, nullptr) << expected.login;
    EXPECT_EQ(account->fields, expected) << Describe(state);
    EXPECT_EQ(account->auth_source, "directory");
    EXPECT_EQ(account->disabled_reason, "");
  }
  const PmAccount* alice = FindAccount(state, "alice");
  const AccountLink* link = FindLink(state, alice->user_id);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->anchor, kAliceAnchor);
  EXPECT_EQ(link->dn, kAliceDn);
  EXPECT_EQ(state.links.size(), 3u);

  EXPECT_EQ(UserTimestamp("created_at", "alice"), "2026-11-23T08:50:51.123Z");
  EXPECT_EQ(UserTimestamp("updated_at", "alice"), "2026-11-23T08:50:51.123Z");
  EXPECT_EQ(UserTimestamp("disabled_at", "alice"), "");
  int null_passwords = 0, all_providers = 0;
  sql() << "SELECT count(*) FROM pm_users WHERE password_hash IS NULL", soci::into(null_passwords);
  sql() << "SELECT all_providers FROM pm_users WHERE login_id = 'alice'", soci::into(all_providers);
  EXPECT_EQ(null_passwords, 3);
  EXPECT_EQ(all_providers, 1);
  // alice: six modules; bob: two; odd: one. Providers: alice none (all), bob two, odd one.
  EXPECT_EQ(Count("pm_user_rights"), 9);
  EXPECT_EQ(Count("pm_user_providers"), 3);
  int edit_without_view = 0;
  sql() << "SELECT count(*) FROM pm_user_rights WHERE can_edit = 1 AND can_view = 0",
      soci::into(edit_without_view);
  EXPECT_EQ(edit_without_view, 0);
}

TEST_P(PmDatabaseTest, LocalAccountsAreReadButNotLinked) {
  InitializeClinic();
  sql() << "INSERT INTO pm_users (login_id, last_name, super_user, auth_source, password_hash) "
           "VALUES ('admin', 'Vendor Default', 1, 'local', 'x')";
  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), 1u);
  EXPECT_EQ(state.accounts[0].fields.login, "admin");
  EXPECT_TRUE(state.accounts[0].fields.super_user);
  EXPECT_TRUE(state.accounts[0].fields.active);
  EXPECT_EQ(state.accounts[0].auth_source, "local");
  EXPECT_TRUE(state.links.empty());

  // A create after it gets a new id, not the local account's.
  ApplyAndCommit(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn)}), Context());
  state = Load();
  ASSERT_EQ(state.accounts.size(), 2u);
  EXPECT_GT(FindAccount(state, "bob")->user_id, FindAccount(state, "admin")->user_id);
}

// Rights and provider rows are read in table order, where an account's rows are mostly
// together but need not be (a module or provider granted later, in a PM screen): its rights
// and providers are then the union of every run, and an equal account's are left as they
// are.
TEST_P(PmDatabaseTest, AnAccountsRightsAndProviderRowsNeedNotBeAdjacent) {
  InitializeClinic();
  AccountFields twin = Bob();
  twin.login = "bob2";
  ApplyAndCommit(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn),
                         CreateChange(twin, "anchor-twin", "uid=bob2,ou=people,dc=x")}),
                 Context());
  const std::int64_t bob = FindAccount(Load(), "bob")->user_id;
  sql() << "INSERT INTO pm_user_rights (user_id, module, can_view) VALUES (" + std::to_string(bob) +
               ", 'reports', 1)";
  sql() << "INSERT INTO pm_user_providers (user_id, provider_id) SELECT " + std::to_string(bob) +
               ", provider_id FROM pm_providers WHERE code = 'DRPATEL'";

  CurrentState state = Load();
  EXPECT_EQ(FindAccount(state, "bob")->fields.rights.ToString(),
            "patients:view+edit reports:view scheduling:view+edit+delete");
  EXPECT_EQ(FindAccount(state, "bob")->fields.providers.ToString(), "DRJONES,DRPATEL,DRSMITH");
  EXPECT_EQ(FindAccount(state, "bob2")->fields.rights, Bob().rights);
  EXPECT_EQ(FindAccount(state, "bob2")->fields.providers, Bob().providers);
}

// Whole tables are read in batches of kRowsPerFetch on PostgreSQL: a table of exactly one
// batch, and one row more, come back whole.
TEST_P(PmDatabaseTest, WholeTableReadsEndExactlyAtBatchBoundaries) {
  InitializeClinic();
  int added = 0;
  for (int total : {kRowsPerFetch, kRowsPerFetch + 1}) {
    const std::string rows = std::to_string(total - added);
    const std::string offset = std::to_string(added);
    if (postgres()) {
      sql() << "INSERT INTO pm_users (login_id, auth_source) SELECT 'local' || (n + " + offset +
                   "), 'local' FROM generate_series(1, " + rows + ") AS n";
    } else {
      sql() << "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows +
                   ") INSERT INTO pm_users (login_id, auth_source) SELECT 'local' || (i + " +
                   offset + "), 'local' FROM n";
    }
    added = total;
    CurrentState state = Load();
    EXPECT_EQ(state.accounts.size(), static_cast<std::size_t>(total));
    EXPECT_NE(FindAccount(state, "local" + std::to_string(total)), nullptr);
  }
}

TEST_P(PmDatabaseTest, UpdateWithLoginRenameKeepsUserId) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn)}), Context());
  const std::int64_t id = FindAccount(Load(), "bob")->user_id;

  AccountFields renamed = Bob();
  renamed.login = "robert";
  renamed.first_name = "Robert";
  renamed.middle_initial = "Q";
  renamed.email = "robert@clinic.example";
  renamed.rights = RightSet();
  renamed.rights.Grant("charges", kView | kEdit);
  renamed.providers = ProviderScope::Selected({"DRSMITH", "DRPATEL"});
  const std::string new_dn = "uid=robert,ou=people,dc=clinic,dc=example";
  ApplyAndCommit(PlanOf({UpdateChange(id, Bob(), renamed, kBobAnchor, new_dn)}), Context(60));

  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), 1u);
  EXPECT_EQ(state.accounts[0].user_id, id);
  EXPECT_EQ(state.accounts[0].fields, renamed) << Describe(state);
  EXPECT_EQ(FindAccount(state, "bob"), nullptr);
  ASSERT_NE(FindLink(state, id), nullptr);
  EXPECT_EQ(FindLink(state, id)->dn, new_dn);
  EXPECT_EQ(FindLink(state, id)->anchor, kBobAnchor);
  EXPECT_EQ(UserTimestamp("created_at", "robert"), "2026-11-23T08:50:51.123Z");
  EXPECT_EQ(UserTimestamp("updated_at", "robert"), "2026-11-23T08:51:51.123Z");

  // Provider scope to all and back to a selection.
  AccountFields everywhere = renamed;
  everywhere.providers = ProviderScope::All();
  ApplyAndCommit(PlanOf({UpdateChange(id, renamed, everywhere, kBobAnchor, new_dn)}), Context(120));
  EXPECT_EQ(FindAccount(Load(), "robert")->fields, everywhere);
  EXPECT_EQ(Count("pm_user_providers"), 0);
  ApplyAndCommit(PlanOf({UpdateChange(id, everywhere, renamed, kBobAnchor, new_dn)}), Context(180));
  EXPECT_EQ(FindAccount(Load(), "robert")->fields, renamed);
}

TEST_P(PmDatabaseTest, DisableClearsAccessAndKeepsTheRow) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Alice(), kAliceAnchor, kAliceDn),
                         CreateChange(Bob(), kBobAnchor, kBobDn)}),
                 Context());
  CurrentState before = Load();
  const std::int64_t id = FindAccount(before, "alice")->user_id;
  const std::string reason = "no longer in the directory: the entry was deleted";
  ApplyAndCommit(PlanOf({DisableChange(id, Alice(), kAliceAnchor, reason)}), Context(30));

  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), 2u);
  const PmAccount* alice = FindAccount(state, "alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->user_id, id);
  EXPECT_FALSE(alice->fields.active);
  EXPECT_FALSE(alice->fields.super_user);
  EXPECT_FALSE(alice->fields.access_security);
  EXPECT_TRUE(alice->fields.rights.empty());
  EXPECT_TRUE(alice->fields.providers.empty());
  EXPECT_EQ(alice->fields.first_name, "Alice");
  EXPECT_EQ(alice->fields.email, "alice@clinic.example");
  EXPECT_EQ(alice->disabled_reason, reason);
  EXPECT_EQ(UserTimestamp("disabled_at", "alice"), "2026-11-23T08:51:21.123Z");
  EXPECT_EQ(UserTimestamp("updated_at", "alice"), "2026-11-23T08:51:21.123Z");
  int all_providers = -1;
  sql() << "SELECT all_providers FROM pm_users WHERE login_id = 'alice'", soci::into(all_providers);
  EXPECT_EQ(all_providers, 0);
  long long alice_rights = -1;
  sql() << "SELECT count(*) FROM pm_user_rights r JOIN pm_users u ON u.user_id = r.user_id "
           "WHERE u.login_id = 'alice'",
      soci::into(alice_rights);
  EXPECT_EQ(alice_rights, 0);
  // The link stays: the account is still managed, so it can be enabled again.
  EXPECT_NE(FindLink(state, id), nullptr);
  // Bob is untouched.
  EXPECT_EQ(FindAccount(state, "bob")->fields, Bob());
  EXPECT_EQ(Count("pm_user_providers"), 2);
}

TEST_P(PmDatabaseTest, EnableRestoresTheSameUserId) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn)}), Context());
  const std::int64_t id = FindAccount(Load(), "bob")->user_id;
  ApplyAndCommit(PlanOf({DisableChange(id, Bob(), kBobAnchor, "not in any mapped group")}),
                 Context(10));
  const PmAccount disabled = *FindAccount(Load(), "bob");

  ApplyAndCommit(PlanOf({EnableChange(id, disabled.fields, Bob(), kBobAnchor, kBobDn)}),
                 Context(20));
  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), 1u);
  EXPECT_EQ(state.accounts[0].user_id, id);
  EXPECT_EQ(state.accounts[0].fields, Bob()) << Describe(state);
  EXPECT_EQ(state.accounts[0].disabled_reason, "");
  EXPECT_EQ(UserTimestamp("disabled_at", "bob"), "");
  EXPECT_EQ(UserTimestamp("updated_at", "bob"), "2026-11-23T08:51:11.123Z");
}

TEST_P(PmDatabaseTest, UnknownProviderCodeFailsAndAppliesNothing) {
  InitializeClinic();
  AccountFields stranger = Bob();
  stranger.login = "carol";
  stranger.providers = ProviderScope::Selected({"DRSMITH", "DRWHO"});
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  Status applied = (*txn)->Apply(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn),
                                         CreateChange(stranger, "anchor-carol", "uid=carol")}),
                                 Context());
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.code(), ErrorCode::kDatabase);
  EXPECT_NE(applied.message().find("DRWHO"), std::string::npos) << applied.message();
  EXPECT_NE(applied.message().find("carol"), std::string::npos) << applied.message();
  EXPECT_FALSE((*txn)->Commit().ok());
  txn->reset();

  EXPECT_TRUE(Load().accounts.empty());
  EXPECT_EQ(Count("pmbridge_audit"), 0);
}

TEST_P(PmDatabaseTest, UnknownModuleFailsAndAppliesNothing) {
  InitializeClinic();
  AccountFields odd = Bob();
  odd.rights.Grant("radiology", kView);
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  Status applied = (*txn)->Apply(PlanOf({CreateChange(odd, kBobAnchor, kBobDn)}), Context());
  EXPECT_EQ(applied.code(), ErrorCode::kDatabase);
  EXPECT_NE(applied.message().find("radiology"), std::string::npos) << applied.message();
  txn->reset();
  EXPECT_TRUE(Load().accounts.empty());
}

TEST_P(PmDatabaseTest, ChangeOfAVanishedAccountFails) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Bob(), kBobAnchor, kBobDn)}), Context());
  const std::int64_t id = FindAccount(Load(), "bob")->user_id;
  for (const Change& change : {UpdateChange(id + 1000, Bob(), Bob(), kBobAnchor, kBobDn),
                               DisableChange(id + 1000, Bob(), kBobAnchor, "gone")}) {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    Status applied = (*txn)->Apply(PlanOf({change}), Context(5));
    EXPECT_EQ(applied.code(), ErrorCode::kDatabase) << applied.ToString();
    EXPECT_NE(applied.message().find("pm_users"), std::string::npos) << applied.message();
  }
  EXPECT_EQ(Count("pmbridge_audit"), 1);
}

TEST_P(PmDatabaseTest, ConstraintViolationFailsCleanly) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Alice(), kAliceAnchor, kAliceDn),
                         CreateChange(Bob(), kBobAnchor, kBobDn)}),
                 Context());
  const std::string before = Describe(Load());
  const std::int64_t bob_id = FindAccount(Load(), "bob")->user_id;
  AccountFields taken = Bob();
  taken.login = "alice";  // UNIQUE (login_id)
  for (const Plan& plan : {PlanOf({UpdateChange(bob_id, Bob(), taken, kBobAnchor, kBobDn)}),
                           PlanOf({CreateChange(taken, "anchor-other", "uid=other")}),
                           PlanOf({CreateChange(Bob(), "anchor-other", "uid=other")})}) {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    Status applied = (*txn)->Apply(plan, Context(5));
    EXPECT_EQ(applied.code(), ErrorCode::kDatabase) << applied.ToString();
    EXPECT_FALSE((*txn)->Commit().ok());
  }
  EXPECT_EQ(Describe(Load()), before);
  EXPECT_EQ(Count("pmbridge_audit"), 2);
}

TEST_P(PmDatabaseTest, PutStateAndGetState) {
  InitializeClinic();
  Result<std::optional<std::string>> missing = db_->GetState("syncrepl_cookie");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());

  const std::string cookie = "rid=001,csn=20261123085051.123456Z#000000#000#000000\ttab'quote";
  {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->PutState("syncrepl_cookie", cookie).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(db_->GetState("syncrepl_cookie")->value_or(""), cookie);
  {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->PutState("syncrepl_cookie", "rid=001,csn=later").ok());
    ASSERT_TRUE((*txn)->PutState("last_reconcile", "{}").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(db_->GetState("syncrepl_cookie")->value_or(""), "rid=001,csn=later");
  EXPECT_EQ(db_->GetState("last_reconcile")->value_or(""), "{}");
}

TEST_P(PmDatabaseTest, UnsupportedSchemaAndBackendAreInvalidInput) {
  DatabaseConfig config = config_;
  config.schema = "vendor";
  Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kInvalidInput);
  config = config_;
  config.backend = "mysql";
  EXPECT_EQ(OpenPmDatabase(config).status().code(), ErrorCode::kInvalidInput);
}

TEST_P(PmDatabaseTest, ConnectionErrorsNeverShowThePassword) {
  DatabaseConfig config = config_;
  if (postgres()) {
    // Nothing listens on port 1.
    config.connect_string =
        "host=127.0.0.1 port=1 user=postgres password=s3cret-Pa55 dbname=nowhere "
        "connect_timeout=5";
  } else {
    config.connect_string = "db=/nonexistent-dir/practice.db password=s3cret-Pa55";
  }
  Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kDatabase);
  EXPECT_EQ(db.status().message().find("s3cret-Pa55"), std::string::npos) << db.status().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, PmDatabaseTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
