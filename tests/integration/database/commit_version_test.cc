// The commit version behind a reconcile's early read of the accounts: a read outside the
// write lock is kept only when the write transaction finds the same version, so the
// version must change whenever anyone, this connection included, has committed since.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "bridge/pm_database.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

using CommitVersionTest = DatabaseTest;

VersionedState ReadVersioned(PmDatabase& db) {
  Result<VersionedState> read = db.LoadVersionedState({});
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? std::move(read).value() : VersionedState();
}

std::string VersionInsideAWriteTransaction(PmDatabase& db) {
  Result<std::unique_ptr<PmWriteTransaction>> txn = db.BeginWrite();
  EXPECT_TRUE(txn.ok()) << txn.status().ToString();
  if (!txn.ok()) return "";
  Result<std::string> version = (*txn)->CommitVersion();
  EXPECT_TRUE(version.ok()) << version.status().ToString();
  return version.ok() ? *version : "";
}

// A reconcile begins resolving with the early read's catalog before its accounts are in:
// it is handed over once, and is the catalog the read returns.
TEST_P(CommitVersionTest, TheCatalogIsHandedOverBeforeTheAccounts) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Bob(), "anchor-bob", "uid=bob,ou=people")}), Context());
  int handed = 0;
  Catalog catalog;
  Result<VersionedState> read = db_->LoadVersionedState([&](const Catalog& c) {
    ++handed;
    catalog = c;
  });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(handed, 1);
  EXPECT_FALSE(catalog.modules.empty());
  EXPECT_EQ(catalog, read->state.catalog);
  EXPECT_EQ(read->state.accounts.size(), 1u);
}

TEST_P(CommitVersionTest, UnchangedWhenNothingWasCommitted) {
  InitializeClinic();
  ApplyAndCommit(PlanOf({CreateChange(Bob(), "anchor-bob", "uid=bob,ou=people")}), Context());
  VersionedState early = ReadVersioned(*db_);
  ASSERT_EQ(early.state.accounts.size(), 1u);
  EXPECT_FALSE(early.version.empty());
  EXPECT_EQ(VersionInsideAWriteTransaction(*db_), early.version);
  // Reads do not move it either.
  ASSERT_TRUE(db_->LoadCurrentState().ok());
  ASSERT_TRUE(db_->GetState("last_reconcile").ok());
  EXPECT_EQ(ReadVersioned(*db_).version, early.version);
}

TEST_P(CommitVersionTest, ChangesWhenAnotherConnectionCommits) {
  InitializeClinic();
  std::unique_ptr<PmDatabase> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  VersionedState early = ReadVersioned(*db_);
  ASSERT_TRUE(early.state.accounts.empty());

  // What a PM screen or a second bridge does meanwhile: any committed write.
  sql() << "UPDATE pm_providers SET name = 'Dr. Smith (retired)' WHERE code = 'DRSMITH'";

  EXPECT_NE(VersionInsideAWriteTransaction(*db_), early.version);
  Result<std::unique_ptr<PmWriteTransaction>> txn = other->BeginWrite();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(
      (*txn)->Apply(PlanOf({CreateChange(Bob(), "anchor-bob", "uid=bob")}), Context()).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  VersionedState after = ReadVersioned(*db_);
  EXPECT_NE(after.version, early.version);
  EXPECT_EQ(after.state.accounts.size(), 1u);
}

TEST_P(CommitVersionTest, ChangesWhenThisConnectionCommits) {
  InitializeClinic();
  VersionedState early = ReadVersioned(*db_);
  ApplyAndCommit(PlanOf({CreateChange(Bob(), "anchor-bob", "uid=bob")}), Context());
  EXPECT_NE(VersionInsideAWriteTransaction(*db_), early.version);
}

TEST_P(CommitVersionTest, ARolledBackWriteLeavesItAlone) {
  InitializeClinic();
  VersionedState early = ReadVersioned(*db_);
  {
    Result<std::unique_ptr<PmWriteTransaction>> txn = db_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(
        (*txn)->Apply(PlanOf({CreateChange(Bob(), "anchor-bob", "uid=bob")}), Context()).ok());
  }  // rolled back
  if (postgres()) {
    // PostgreSQL's version is the snapshot, which an abort moves too: a conservative
    // answer, never a wrong one.
    SUCCEED();
  } else {
    EXPECT_EQ(VersionInsideAWriteTransaction(*db_), early.version);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CommitVersionTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
