// The audit trail on SQLite and PostgreSQL: one row per change, hash-chained across
// transactions, and tampering found at the right row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bridge/pm_database.h"
#include "connectors/database/audit_log.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

using AuditChainTest = DatabaseTest;

// Pins the canonical serialisation documented in connectors/database/audit_log.h; the
// expected value was computed independently (Python hashlib) from that description.
TEST(AuditRowHashTest, MatchesTheDocumentedSerialisation) {
  AuditRow row;
  row.seq = 1;
  row.at = "2026-11-23T08:50:51.123Z";
  row.actor = "pmbridge test";
  row.action = "create";
  row.login_id = "bob";
  row.detail = R"({"event":"full reconcile"})";
  EXPECT_EQ(AuditRowHash(row), "162ba88ffedf4724a8c671337877b9d32f6c5769a919a56aa8ee88f8aa89be18");
}

TEST_P(AuditChainTest, EveryChangeWritesAChainedRow) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Alice(), "anchor-alice", "uid=alice,ou=people"),
                         CreateChange(Bob(), "anchor-bob", "uid=bob,ou=people")}),
                 Context(0, "full reconcile"));
  const PmAccount bob = *FindAccount(Load(), "bob");
  ApplyAndCommit(PlanOf({DisableChange(bob.user_id, bob.fields, "anchor-bob", "entry deleted")}),
                 Context(5, "syncrepl delete"));

  Result<AuditChainCheck> check = db_->VerifyAuditChain();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->rows, 3);
  EXPECT_TRUE(check->intact);

  std::vector<long long> seqs(10);
  std::vector<std::string> actors(10), actions(10), logins(10), details(10), prevs(10), hashes(10);
  sql() << "SELECT seq, actor, action, login_id, detail, prev_hash, hash FROM pmbridge_audit "
           "ORDER BY seq",
      soci::into(seqs), soci::into(actors), soci::into(actions), soci::into(logins),
      soci::into(details), soci::into(prevs), soci::into(hashes);
  ASSERT_EQ(seqs.size(), 3u);
  EXPECT_EQ(seqs, (std::vector<long long>{1, 2, 3}));
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "create", "disable"}));
  EXPECT_EQ(logins, (std::vector<std::string>{"alice", "bob", "bob"}));
  EXPECT_EQ(actors[0], "pmbridge test (root@localhost)");
  EXPECT_EQ(prevs[0], "");
  EXPECT_EQ(prevs[1], hashes[0]);
  EXPECT_EQ(prevs[2], hashes[1]);
  EXPECT_EQ(hashes[2].size(), 64u);

  nlohmann::ordered_json created = nlohmann::ordered_json::parse(details[1]);
  std::vector<std::string> keys;
  for (const auto& item : created.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"event", "anchor", "dn", "reasons", "before", "after"}));
  EXPECT_EQ(created["event"], "full reconcile");
  EXPECT_EQ(created["anchor"], "anchor-bob");
  EXPECT_EQ(created["dn"], "uid=bob,ou=people");
  EXPECT_TRUE(created["before"].is_null());
  EXPECT_EQ(created["after"]["login"], "bob");

  nlohmann::ordered_json disabled = nlohmann::ordered_json::parse(details[2]);
  EXPECT_EQ(disabled["event"], "syncrepl delete");
  EXPECT_EQ(disabled["reasons"][0], "entry deleted");
  EXPECT_EQ(disabled["before"]["login"], "bob");
  EXPECT_EQ(disabled["after"]["active"], false);
}

TEST_P(AuditChainTest, TamperingIsFoundAtTheTamperedRow) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Alice(), "anchor-alice", "uid=alice"),
                         CreateChange(Bob(), "anchor-bob", "uid=bob")}),
                 Context());
  AccountFields carol = Bob();
  carol.login = "carol";
  ApplyAndCommit(PlanOf({CreateChange(carol, "anchor-carol", "uid=carol")}), Context(1));
  ASSERT_TRUE(db_->VerifyAuditChain()->intact);

  std::string original;
  sql() << "SELECT detail FROM pmbridge_audit WHERE seq = 2", soci::into(original);
  sql() << "UPDATE pmbridge_audit SET detail = '{\"event\":\"nothing to see\"}' WHERE seq = 2";
  Result<AuditChainCheck> check = db_->VerifyAuditChain();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 3);
  EXPECT_FALSE(check->intact);
  EXPECT_EQ(check->first_bad_seq, 2);

  // Put it back: intact again. Then delete the row: the next row no longer chains.
  sql() << "UPDATE pmbridge_audit SET detail = :d WHERE seq = 2", soci::use(original);
  EXPECT_TRUE(db_->VerifyAuditChain()->intact);
  sql() << "DELETE FROM pmbridge_audit WHERE seq = 2";
  check = db_->VerifyAuditChain();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 2);
  EXPECT_FALSE(check->intact);
  EXPECT_EQ(check->first_bad_seq, 3);
}

TEST_P(AuditChainTest, EmptyChainIsIntact) {
  InitializeClinic();
  Result<AuditChainCheck> check = db_->VerifyAuditChain();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, 0);
  EXPECT_TRUE(check->intact);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditChainTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
