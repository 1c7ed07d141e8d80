// The end-to-end fixture: a real slapd seeded with the sample clinic, a real practice
// database (SQLite file or a fresh PostgreSQL database), the administrator's files, and the
// real pmbridge binary. Parameterised by backend so every scenario runs on both.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge/pm_state.h"
#include "tests/support/process.h"
#include "tests/support/slapd_server.h"

namespace pmbridge::testing {

enum class Backend { kSqlite, kPostgres };
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

class BridgeScenario : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `pmbridge --config <this scenario's bridge.yaml> args...`.
  ProcessResult Pmbridge(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {});
  // Runs pmbridge and expects `exit_code`, printing its output when it differs.
  ProcessResult Expect(int exit_code, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

  // Starts the directory the scenario reads and writes its password to ldap.secret: the
  // sample clinic in slapd unless a derived fixture brings another (Active Directory).
  virtual void StartDirectory();
  // The `directory:` section of bridge.yaml for that directory.
  virtual std::string DirectorySection();

  // Rewrites bridge.yaml; `safety` and `users_filter` override the defaults.
  void WriteConfig();
  // Replaces the mapping file with `text`.
  void WriteMapping(const std::string& text);

  // Directory changes as the directory's administrator (rootdn).
  void Ldif(const std::string& ldif);       // ldapmodify
  void DeleteEntry(const std::string& dn);  // ldapdelete
  void AddMember(const std::string& group_cn, const std::string& uid);
  void RemoveMember(const std::string& group_cn, const std::string& uid);
  void AddPerson(const std::string& uid, const std::string& rdn = {});

  // The PM database as the bridge's own reader sees it.
  CurrentState Db();
  std::optional<PmAccount> Account(const std::string& login);
  bool IsManaged(const std::string& login);
  // A single integer from raw SQL (counts, flags).
  long long Scalar(const std::string& sql);
  void Sql(const std::string& sql);
  std::optional<std::string> Text(const std::string& sql);

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<SlapdServer> slapd_;
  std::string db_backend_;  // "sqlite3" or "postgresql"
  std::string db_connect_;  // SOCI key=value form
  std::string max_disables_ = "25";
  std::string users_filter_;    // empty: the flavour default
  std::string page_size_;       // empty: the default
  std::string daemon_section_;  // appended to bridge.yaml as is ("daemon:\n  ...")
};

// The mapping file of the sample clinic (mappings/clinic.yaml in the source tree).
std::string ClinicMapping();

}  // namespace pmbridge::testing
