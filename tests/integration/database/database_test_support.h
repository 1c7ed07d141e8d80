// The fixture every database test shares: one test body, run against SQLite (a file in a
// TempDir) and PostgreSQL (a fresh database on the fixture server), plus sample accounts
// and changes from the sample clinic.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/pm_database.h"
#include "tests/support/process.h"

namespace pmbridge::testing {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;

  bool postgres() const { return config_.backend == "postgresql"; }
  // Another connection to the same database, through the connector.
  std::unique_ptr<PmDatabase> OpenAnother() const;
  // A raw SOCI session on the same database, for setup and inspection.
  soci::session& sql() { return *sql_; }

  // db init, then the clinic's providers DRSMITH, DRJONES, DRPATEL.
  void InitializeClinic();
  // Begins, applies, commits; fails the test on any error.
  void ApplyAndCommit(const Plan& plan, const AuditContext& context);
  CurrentState Load();
  long long Count(const std::string& table);
  // A timestamp column of pm_users for `login` as ISO-8601 text, "" when NULL.
  std::string UserTimestamp(const std::string& column, const std::string& login);

  DatabaseConfig config_;
  std::unique_ptr<PmDatabase> db_;

 private:
  TempDir dir_;
  std::unique_ptr<soci::session> sql_;
};

// gtest parameter names: "sqlite3", "postgresql".
std::string BackendName(const ::testing::TestParamInfo<std::string>& info);
// The two backends, for INSTANTIATE_TEST_SUITE_P.
std::vector<std::string> Backends();

// A fixed clock reading: 2026-11-23T08:50:51.123Z plus `seconds`.
std::chrono::system_clock::time_point TestTime(int seconds = 0);
AuditContext Context(int seconds = 0, const std::string& event = "full reconcile");

// Sample accounts: alice (administrator: super user, every right, all providers) and bob
// (front desk: DRSMITH, DRJONES).
AccountFields Alice();
AccountFields Bob();

Change CreateChange(const AccountFields& after, const std::string& anchor, const std::string& dn);
Change UpdateChange(std::int64_t user_id, const AccountFields& before, const AccountFields& after,
                    const std::string& anchor, const std::string& dn);
Change DisableChange(std::int64_t user_id, const AccountFields& before, const std::string& anchor,
                     const std::string& reason);
Change EnableChange(std::int64_t user_id, const AccountFields& before, const AccountFields& after,
                    const std::string& anchor, const std::string& dn);
Plan PlanOf(std::vector<Change> changes);

const PmAccount* FindAccount(const CurrentState& state, const std::string& login);
const AccountLink* FindLink(const CurrentState& state, std::int64_t user_id);
// Every account and link, one per line, for "nothing changed" comparisons.
std::string Describe(const CurrentState& state);

}  // namespace pmbridge::testing
