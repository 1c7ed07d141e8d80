// The daemon's partial reads inside a write transaction, on SQLite and PostgreSQL:
// LoadPeople returns exactly the accounts and links of the people asked for — by anchor,
// by login in any ASCII case, managed or not — as LoadCurrentState would show them, and
// CountManaged counts over every managed account.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bridge/pm_database.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

class PartialStateTest : public DatabaseTest {
 protected:
  // The clinic with: alice (managed, super user), bob (managed), Grace (managed, login in
  // mixed case), frank (managed, disabled), Dave (unmanaged local super user), o'brien
  // (managed, an anchor full of characters an array literal quotes), ÉRIC and IRIS
  // (unmanaged, non-ASCII and Turkish-locale traps for the login fold).
  void SetUpClinic() {
    InitializeClinic();
    AccountFields grace = Bob();
    grace.login = "Grace";
    grace.first_name = "Grace";
    grace.last_name = "Green";
    grace.providers = ProviderScope::Selected({"DRPATEL"});
    AccountFields frank = Bob();
    frank.login = "frank";
    AccountFields obrien = Bob();
    obrien.login = "o'brien";
    obrien.providers = ProviderScope::All();
    ApplyAndCommit(PlanOf({CreateChange(Alice(), "anchor-alice", "uid=alice,ou=people"),
                           CreateChange(Bob(), "anchor-bob", "uid=bob,ou=people"),
                           CreateChange(grace, "anchor-grace", "uid=Grace,ou=people"),
                           CreateChange(frank, "anchor-frank", "uid=frank,ou=people"),
                           CreateChange(obrien, kOddAnchor, "uid=o'brien,ou=people")}),
                   Context());
    CurrentState created = Load();
    const PmAccount& f = *FindAccount(created, "frank");
    ApplyAndCommit(PlanOf({DisableChange(f.user_id, f.fields, "anchor-frank", "left")}),
                   Context(10));
    InsertLocal("Dave", /*super_user=*/true);
    InsertLocal("ÉRIC", /*super_user=*/false);
    InsertLocal("IRIS", /*super_user=*/false);
    full_ = Load();
  }

  // An account made in the PM screens, not by the bridge: rights and selected providers.
  std::int64_t InsertLocal(const std::string& login, bool super_user) {
    std::string l = login;
    int su = super_user ? 1 : 0;
    sql() << "INSERT INTO pm_users (login_id, last_name, first_name, active, super_user, "
             "access_security, all_providers, auth_source) "
             "VALUES (:login, 'Local', NULL, 1, :su, 0, 0, 'local')",
        soci::use(l), soci::use(su);
    long long id = 0;
    sql() << "SELECT user_id FROM pm_users WHERE login_id = :login", soci::into(id), soci::use(l);
    sql() << "INSERT INTO pm_user_rights (user_id, module, can_view, can_edit, can_delete) "
             "VALUES (:id, 'reports', 1, 0, 1)",
        soci::use(id);
    sql() << "INSERT INTO pm_user_providers (user_id, provider_id) "
             "SELECT :id, provider_id FROM pm_providers WHERE code = 'DRJONES'",
        soci::use(id);
    return id;
  }

  // LoadPeople in a write transaction that is then rolled back.
  CurrentState People(const std::vector<std::string>& anchors,
                      const std::vector<std::string>& folded_logins) {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    if (!txn.ok()) return {};
    Result<CurrentState> state = (*txn)->LoadPeople(anchors, folded_logins);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? std::move(*state) : CurrentState{};
  }

  std::int64_t Id(const std::string& login) const {
    const PmAccount* account = FindAccount(full_, login);
    EXPECT_NE(account, nullptr) << login;
    return account != nullptr ? account->user_id : -1;
  }

  static constexpr char kOddAnchor[] = "a\"b\\c,{d} NULL";

  CurrentState full_;
};

// What LoadPeople must return for these accounts: the full state restricted to them.
CurrentState Subset(const CurrentState& full, const std::set<std::int64_t>& user_ids) {
  CurrentState subset;
  subset.catalog = full.catalog;
  for (const PmAccount& a : full.accounts) {
    if (user_ids.count(a.user_id) != 0) subset.accounts.push_back(a);
  }
  for (const AccountLink& l : full.links) {
    if (user_ids.count(l.user_id) != 0) subset.links.push_back(l);
  }
  return subset;
}

std::set<std::int64_t> AccountIds(const CurrentState& state) {
  std::set<std::int64_t> ids;
  for (const PmAccount& a : state.accounts) ids.insert(a.user_id);
  return ids;
}

void ExpectSameState(const CurrentState& got, const CurrentState& want) {
  EXPECT_EQ(got.catalog.modules, want.catalog.modules);
  EXPECT_EQ(got.catalog.providers, want.catalog.providers);
  EXPECT_EQ(Describe(got), Describe(want));
}

TEST_P(PartialStateTest, ByAnchorReturnsTheLinkAndItsAccount) {
  SetUpClinic();
  CurrentState got = People({"anchor-bob"}, {});
  ASSERT_EQ(got.accounts.size(), 1u);
  EXPECT_EQ(got.accounts[0].fields, Bob());
  ASSERT_EQ(got.links.size(), 1u);
  EXPECT_EQ(got.links[0].anchor, "anchor-bob");
  EXPECT_EQ(got.links[0].dn, "uid=bob,ou=people");
  ExpectSameState(got, Subset(full_, {Id("bob")}));
  EXPECT_EQ(got.catalog.providers.size(), 3u);
  EXPECT_EQ(got.catalog.modules.size(), 6u);
}

TEST_P(PartialStateTest, ByLoginIgnoresAsciiCaseAndBringsTheLink) {
  SetUpClinic();
  ExpectSameState(People({}, {"grace"}), Subset(full_, {Id("Grace")}));
  // A disabled managed account is still that person's account.
  CurrentState frank = People({}, {"frank"});
  ExpectSameState(frank, Subset(full_, {Id("frank")}));
  ASSERT_EQ(frank.accounts.size(), 1u);
  EXPECT_FALSE(frank.accounts[0].fields.active);
  EXPECT_EQ(frank.accounts[0].disabled_reason, "left");
  // The folded login is compared as given: upper case never matches.
  EXPECT_TRUE(People({}, {"GRACE"}).accounts.empty());
}

TEST_P(PartialStateTest, AnUnmanagedAccountHoldingTheLoginComesWithoutALink) {
  SetUpClinic();
  CurrentState got = People({}, {"dave"});
  ASSERT_EQ(got.accounts.size(), 1u);
  EXPECT_EQ(got.accounts[0].fields.login, "Dave");
  EXPECT_EQ(got.accounts[0].auth_source, "local");
  EXPECT_TRUE(got.accounts[0].fields.super_user);
  EXPECT_EQ(got.accounts[0].fields.rights.Get("reports"), kView | kDelete);
  EXPECT_EQ(got.accounts[0].fields.providers, ProviderScope::Selected({"DRJONES"}));
  EXPECT_TRUE(got.links.empty());
  ExpectSameState(got, Subset(full_, {Id("Dave")}));
}

TEST_P(PartialStateTest, OnlyAsciiLettersAreFolded) {
  SetUpClinic();
  // ÉRIC folds to Éric (the engine's FoldLogin leaves non-ASCII alone), never to éric;
  // IRIS folds to iris whatever the database's locale (tr_TR lower() gives ırıs).
  ExpectSameState(People({}, {"Éric"}), Subset(full_, {Id("ÉRIC")}));
  EXPECT_TRUE(People({}, {"éric"}).accounts.empty());
  ExpectSameState(People({}, {"iris"}), Subset(full_, {Id("IRIS")}));
}

TEST_P(PartialStateTest, OnePersonByAnchorAndLoginComesOnce) {
  SetUpClinic();
  CurrentState got = People({"anchor-bob", "anchor-bob"}, {"bob", "bob"});
  EXPECT_EQ(got.accounts.size(), 1u);
  EXPECT_EQ(got.links.size(), 1u);
  ExpectSameState(got, Subset(full_, {Id("bob")}));
}

TEST_P(PartialStateTest, ManyPeopleByMixedKeysComeInUserIdOrder) {
  SetUpClinic();
  // alice by anchor; Grace by login; Dave by login; bob by both; o'brien by his odd anchor.
  CurrentState got = People({"anchor-alice", "anchor-bob", kOddAnchor}, {"grace", "dave", "bob"});
  ExpectSameState(got,
                  Subset(full_, {Id("alice"), Id("bob"), Id("Grace"), Id("Dave"), Id("o'brien")}));
  ASSERT_EQ(got.links.size(), 4u);
  EXPECT_EQ(FindLink(got, Id("o'brien"))->anchor, kOddAnchor);
}

TEST_P(PartialStateTest, UnknownAnchorsAndLoginsAndEmptyInputsGiveTheCatalogOnly) {
  SetUpClinic();
  for (const CurrentState& got : {People({"no-such-anchor", ""}, {"nobody", ""}), People({}, {})}) {
    EXPECT_TRUE(got.accounts.empty());
    EXPECT_TRUE(got.links.empty());
    EXPECT_EQ(got.catalog.modules, full_.catalog.modules);
    EXPECT_EQ(got.catalog.providers, full_.catalog.providers);
  }
}

TEST_P(PartialStateTest, SeesTheTransactionsOwnUncommittedWrites) {
  SetUpClinic();
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  AccountFields carol = Bob();
  carol.login = "carol";
  ASSERT_TRUE(
      (*txn)->Apply(PlanOf({CreateChange(carol, "anchor-carol", "uid=carol")}), Context(20)).ok());
  Result<CurrentState> got = (*txn)->LoadPeople({"anchor-carol"}, {});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->accounts.size(), 1u);
  EXPECT_EQ(got->accounts[0].fields, carol);
  Result<ManagedCounts> counts = (*txn)->CountManaged();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->accounts, 6);
}

TEST_P(PartialStateTest, ThousandsOfKeysCrossTheQueryChunks) {
  InitializeClinic();
  // 1234 people: more than two SQLite chunks of 500 keys.
  constexpr int kPeople = 1234;
  std::vector<Change> creates;
  for (int i = 0; i < kPeople; ++i) {
    AccountFields f = i % 2 == 0 ? Bob() : Alice();
    f.login = "User" + std::to_string(i);
    f.super_user = i % 100 == 0;
    creates.push_back(CreateChange(f, "anchor-" + std::to_string(i), "uid=" + f.login));
  }
  ApplyAndCommit(PlanOf(creates), Context());
  InsertLocal("Local", true);
  full_ = Load();

  std::vector<std::string> anchors, logins;
  for (int i = 0; i < kPeople; ++i) {
    // Anchors of the first 800, logins of the last 800 (overlapping in the middle), and the
    // local account.
    if (i < 800) anchors.push_back("anchor-" + std::to_string(i));
    if (i >= kPeople - 800) logins.push_back("user" + std::to_string(i));
  }
  logins.push_back("local");
  CurrentState got = People(anchors, logins);
  EXPECT_EQ(got.accounts.size(), static_cast<std::size_t>(kPeople + 1));
  EXPECT_EQ(got.links.size(), static_cast<std::size_t>(kPeople));
  ExpectSameState(got, full_);

  // A slice from the middle, by anchor only.
  std::vector<std::string> middle(anchors.begin() + 480, anchors.begin() + 520);
  std::set<std::int64_t> want;
  for (int i = 480; i < 520; ++i) want.insert(Id("User" + std::to_string(i)));
  CurrentState slice = People(middle, {});
  EXPECT_EQ(AccountIds(slice), want);
  ExpectSameState(slice, Subset(full_, want));
}

TEST_P(PartialStateTest, CountManagedCountsLinksAndActiveLinkedSuperUsers) {
  SetUpClinic();
  auto count = [&] {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    if (!txn.ok()) return ManagedCounts{};
    Result<ManagedCounts> counts = (*txn)->CountManaged();
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? *counts : ManagedCounts{};
  };
  // Five links (frank's stays while he is disabled); alice is the only active managed
  // super user: Dave is a super user too, but not managed.
  ManagedCounts counts = count();
  EXPECT_EQ(counts.accounts, 5);
  EXPECT_EQ(counts.active_super_users, 1);

  // An inactive super user does not count; an active one made in the PM screens on a
  // managed account does.
  sql() << "UPDATE pm_users SET super_user = 1, active = 0 WHERE login_id = 'frank'";
  sql() << "UPDATE pm_users SET super_user = 1 WHERE login_id = 'Grace'";
  counts = count();
  EXPECT_EQ(counts.accounts, 5);
  EXPECT_EQ(counts.active_super_users, 2);
}

TEST_P(PartialStateTest, CountManagedOnAnEmptyDatabaseIsZero) {
  InitializeClinic();
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  Result<ManagedCounts> counts = (*txn)->CountManaged();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->accounts, 0);
  EXPECT_EQ(counts->active_super_users, 0);
}

TEST_P(PartialStateTest, ReadFailureIsAStatusAndSpoilsTheTransaction) {
  // No db init: the tables are missing.
  Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  Result<CurrentState> got = (*txn)->LoadPeople({"anchor-bob"}, {"bob"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kDatabase);
  EXPECT_FALSE((*txn)->CountManaged().ok());
  EXPECT_FALSE((*txn)->Commit().ok());
}

TEST_P(PartialStateTest, DbInitAddsTheLookupIndexesOnceAndToOlderDatabases) {
  InitializeClinic();
  auto count_indexes = [&] {
    long long indexes = 0;
    if (postgres()) {
      sql() << "SELECT count(*) FROM pg_indexes WHERE indexname IN "
               "('pm_users_folded_login', 'pm_users_active_super_users')",
          soci::into(indexes);
    } else {
      sql() << "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
               "('pm_users_folded_login', 'pm_users_active_super_users')",
          soci::into(indexes);
    }
    return indexes;
  };
  EXPECT_EQ(count_indexes(), 2);
  Status again = db_->Initialize();
  ASSERT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(count_indexes(), 2);

  // A database initialised before the indexes existed gets them from the next db init.
  sql() << "DROP INDEX pm_users_folded_login";
  sql() << "DROP INDEX pm_users_active_super_users";
  EXPECT_EQ(count_indexes(), 0);
  Status upgrade = db_->Initialize();
  ASSERT_TRUE(upgrade.ok()) << upgrade.ToString();
  EXPECT_EQ(count_indexes(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartialStateTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
