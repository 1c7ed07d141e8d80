// Write transactions on SQLite and PostgreSQL: all or nothing, the crash seam, and the
// write lock that keeps two reconciles from interleaving.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bridge/pm_database.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

using WriteTransactionTest = DatabaseTest;

std::vector<Change> Creates(int count, const std::string& prefix) {
  std::vector<Change> changes;
  for (int i = 0; i < count; ++i) {
    AccountFields f = Bob();
    f.login = prefix + std::to_string(i);
    changes.push_back(CreateChange(f, "anchor-" + f.login, "uid=" + f.login + ",ou=people"));
  }
  return changes;
}

TEST_P(WriteTransactionTest, DestroyedWithoutCommitLeavesNothing) {
  InitializeClinic();
  {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    ASSERT_TRUE((*txn)->Apply(PlanOf(Creates(3, "user")), Context()).ok());
    ASSERT_TRUE((*txn)->PutState("syncrepl_cookie", "rid=001").ok());
    Result<CurrentState> inside = (*txn)->LoadCurrentState();
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ(inside->accounts.size(), 3u);  // visible inside the transaction only
  }
  CurrentState state = Load();
  EXPECT_TRUE(state.accounts.empty());
  EXPECT_TRUE(state.links.empty());
  EXPECT_EQ(Count("pm_user_rights"), 0);
  EXPECT_EQ(Count("pmbridge_audit"), 0);
  EXPECT_FALSE(db_->GetState("syncrepl_cookie")->has_value());

  // The connection is usable again, and ids of the rolled-back rows may be skipped but the
  // next write works.
  ApplyAndCommit(PlanOf(Creates(1, "later")), Context(5));
  EXPECT_EQ(Load().accounts.size(), 1u);
}

TEST_P(WriteTransactionTest, OneWriteTransactionPerConnection) {
  InitializeClinic();
  Result<std::unique_ptr<PmWriteTransaction>> first = db_->BeginWrite();
  ASSERT_TRUE(first.ok());
  Result<std::unique_ptr<PmWriteTransaction>> second = db_->BeginWrite();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kInternal);
  ASSERT_TRUE((*first)->Commit().ok());
  EXPECT_FALSE((*first)->Commit().ok());  // already finished
  Result<std::unique_ptr<PmWriteTransaction>> third = db_->BeginWrite();
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

// Small plans call the hook after each change; large ones after each bulk batch. Either way
// a hook that throws aborts the Apply and nothing is committed.
class HookAbortTest : public DatabaseTest {
 protected:
  void AbortAt(int plan_size, std::size_t throw_at) {
    InitializeClinic();
    ApplyAndCommit(PlanOf({CreateChange(Alice(), "anchor-alice", "uid=alice")}), Context());
    const std::string before = Describe(Load());
    const long long audit_before = Count("pmbridge_audit");

    std::vector<std::size_t> seen;
    db_->SetAfterChangeHook([&](std::size_t applied) {
      seen.push_back(applied);
      if (applied == throw_at) throw std::runtime_error("simulated crash after change");
    });
    std::vector<Change> changes = Creates(plan_size - 1, "user");
    const PmAccount alice = *FindAccount(Load(), "alice");
    changes.push_back(DisableChange(alice.user_id, alice.fields, "anchor-alice", "gone"));
    {
      Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
      ASSERT_TRUE(txn.ok());
      Status applied = (*txn)->Apply(PlanOf(changes), Context(10));
      ASSERT_FALSE(applied.ok());
      EXPECT_NE(applied.message().find("simulated crash"), std::string::npos) << applied.message();
      EXPECT_FALSE((*txn)->PutState("x", "y").ok());
      Status committed = (*txn)->Commit();
      EXPECT_FALSE(committed.ok());
    }
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), 1u);
    EXPECT_EQ(seen.back(), throw_at);
    db_->SetAfterChangeHook(nullptr);

    EXPECT_EQ(Describe(Load()), before);
    EXPECT_EQ(Count("pmbridge_audit"), audit_before);
    EXPECT_FALSE(db_->GetState("x")->has_value());
  }
};

TEST_P(HookAbortTest, ThrowingHookAbortsARowByRowApply) { AbortAt(4, 2); }

TEST_P(HookAbortTest, ThrowingHookAbortsABulkApply) { AbortAt(300, 150); }

TEST_P(WriteTransactionTest, ProcessDyingMidApplyCommitsNothing) {
  InitializeClinic();
  const std::vector<Change> changes = Creates(3, "user");

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: its own connection, killed by the hook after the second change.
    Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config_);
    if (!db.ok()) _exit(10);
    (*db)->SetAfterChangeHook([](std::size_t applied) {
      if (applied == 2) _exit(0);
    });
    Result<std::unique_ptr<PmWriteTransaction>> txn = (*db)->BeginWrite();
    if (!txn.ok()) _exit(11);
    (void)(*txn)->Apply(PlanOf(changes), Context());
    _exit(12);  // the hook should have ended the process
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  EXPECT_TRUE(Load().accounts.empty());
  EXPECT_EQ(Count("pmbridge_audit"), 0);
  // The dead writer's lock is gone: the same plan applies now.
  ApplyAndCommit(PlanOf(changes), Context(1));
  EXPECT_EQ(Load().accounts.size(), 3u);
}

TEST_P(WriteTransactionTest, SecondWriterWaitsForTheFirstToCommit) {
  InitializeClinic();
  std::unique_ptr<PmDatabase> other = OpenAnother();
  ASSERT_NE(other, nullptr);

  std::mutex mu;
  std::vector<std::string> events;
  auto record = [&](const std::string& event) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(event);
  };

  Result<std::unique_ptr<PmWriteTransaction>> first = db_->BeginWrite();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Apply(PlanOf(Creates(1, "first")), Context()).ok());

  std::atomic<bool> trying{false};
  std::size_t accounts_seen = 0;
  Status second_status;
  std::thread second([&] {
    trying = true;
    Result<std::unique_ptr<PmWriteTransaction>> txn = other->BeginWrite();
    record("second began");
    if (!txn.ok()) {
      second_status = txn.status();
      return;
    }
    Result<CurrentState> state = (*txn)->LoadCurrentState();
    if (state.ok()) accounts_seen = state->accounts.size();
    second_status = (*txn)->Commit();
  });

  while (!trying) std::this_thread::yield();
  if (postgres()) {
    // Wait until the second connection is queued on the advisory lock.
    for (int i = 0; i < 1000; ++i) {
      long long waiting = 0;
      sql() << "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
          soci::into(waiting);
      if (waiting > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  } else {
    // SQLite's busy handler gives no outside sign of waiting: give the thread time to
    // reach BEGIN IMMEDIATE. The ordering check below holds however long this takes.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  record("first committing");
  ASSERT_TRUE((*first)->Commit().ok());
  second.join();

  EXPECT_TRUE(second_status.ok()) << second_status.ToString();
  EXPECT_EQ(events, (std::vector<std::string>{"first committing", "second began"}));
  EXPECT_EQ(accounts_seen, 1u);  // the second writer sees what the first committed
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteTransactionTest, ::testing::ValuesIn(Backends()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, HookAbortTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
