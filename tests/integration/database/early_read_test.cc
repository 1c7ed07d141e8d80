// A reconcile reads the accounts while it reads the directory, outside the write lock, and
// keeps that read only if nothing was committed since (commit_version_test.cc). Whatever is
// committed meanwhile, the plan must be made against what the lock holder sees: here a PM
// administrator edits an account while the directory is being read.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>
#include <utility>

#include "bridge/clock.h"
#include "bridge/directory_source.h"
#include "bridge/reconciler.h"
#include "tests/integration/database/database_test_support.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge::testing {
namespace {

// Returns a fixed snapshot, running `during_read` first, well after a reconcile's early
// read of a small database has finished.
class SlowDirectory final : public DirectorySource {
 public:
  explicit SlowDirectory(DirectorySnapshot snapshot) : snapshot_(std::move(snapshot)) {}
  Status Connect() override { return Status::Ok(); }
  Result<DirectorySnapshot> ReadSnapshot() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (during_read) during_read();
    return snapshot_;
  }
  std::function<void()> during_read;

 private:
  DirectorySnapshot snapshot_;
};

using EarlyReadTest = DatabaseTest;

TEST_P(EarlyReadTest, AnEditCommittedDuringTheDirectoryReadIsPlannedAgainst) {
  InitializeClinic();
  ClinicBuilder clinic;
  clinic.Person("bob").Member("pm-front-desk", "bob");
  const Config config = clinic.config();
  SlowDirectory directory(clinic.snapshot());
  SystemClock clock;
  Reconciler reconciler(config, clinic.mapping(), directory, *db_, clock);
  ReconcileRequest request;
  request.actor = "early read test";

  Result<ReconcileOutcome> first = reconciler.Reconcile(request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->result, ReconcileOutcome::Result::kApplied);

  // Nothing committed during the read: nothing to do.
  Result<ReconcileOutcome> quiet = reconciler.Reconcile(request);
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_EQ(quiet->result, ReconcileOutcome::Result::kNothingToDo);

  // Someone edits bob in the PM screens while the directory is read. The early read saw
  // the old e-mail; planning against it would find nothing to do and leave the edit.
  directory.during_read = [&] {
    sql() << "UPDATE pm_users SET email = 'bob@elsewhere.example' WHERE login_id = 'bob'";
  };
  Result<ReconcileOutcome> edited = reconciler.Reconcile(request);
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->result, ReconcileOutcome::Result::kApplied);
  ASSERT_EQ(edited->assessment.plan.changes.size(), 1u);
  EXPECT_EQ(edited->assessment.plan.changes[0].action, ChangeAction::kUpdate);
  const CurrentState after = Load();
  const PmAccount* bob = FindAccount(after, "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->fields.email, "bob@clinic.example");
}

INSTANTIATE_TEST_SUITE_P(Backends, EarlyReadTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
