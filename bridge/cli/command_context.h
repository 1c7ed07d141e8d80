// What every command needs: the config path, loading the administrator's files with their
// diagnostics printed, opening the directory and the database, and who is acting.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/directory_source.h"
#include "bridge/pm_database.h"
#include "bridge/reconciler.h"
#include "bridge/status.h"

namespace pmbridge {

class CommandContext {
 public:
  explicit CommandContext(std::string config_path) : config_path_(std::move(config_path)) {}

  const std::string& config_path() const { return config_path_; }

  // Loads bridge.yaml and the mappings, printing every diagnostic to stderr. False when
  // either has errors; config() and mapping() are valid after true.
  bool Load();
  const Config& config() const { return *config_; }
  const Mapping& mapping() const { return *mapping_; }

  // Opens (and binds to) the directory; reads the bind password.
  Result<std::unique_ptr<DirectorySource>> OpenDirectorySource() const;
  // Opens the database and, unless `allow_uninitialized`, fails with a hint to run
  // `pmbridge db init` when the bridge's tables are missing. Installs the test fault seam
  // (PMBRIDGE_TEST_KILL_AFTER_CHANGES) when set.
  Result<std::unique_ptr<PmDatabase>> OpenDatabase(bool allow_uninitialized = false) const;

  // Opens both sides and assesses without taking the write lock: what `plan` and
  // `explain` show. After a successful Load().
  Result<PreviewOutcome> Preview() const;

  // "pmbridge <command> (user@host)", for the audit rows.
  static std::string Actor(const std::string& command);

 private:
  std::string config_path_;
  std::optional<Config> config_;
  std::optional<Mapping> mapping_;
};

// Prints "pmbridge: <status>" to stderr and returns kExitError.
int ReportError(const Status& status);

}  // namespace pmbridge
