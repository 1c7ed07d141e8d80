#include "bridge/cli/command_context.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bridge/cli/exit_codes.h"
#include "bridge/clock.h"

namespace pmbridge {

bool CommandContext::Load() {
  ConfigLoad config = LoadConfig(config_path_);
  std::cerr << config.diagnostics.ToString();
  // Mappings are read even when bridge.yaml has errors, so every error shows in one run.
  if (config.mappings_path.empty() || !std::filesystem::exists(config.mappings_path)) {
    return false;
  }
  MappingLoad mapping = LoadMappings(config.mappings_path);
  std::cerr << mapping.diagnostics.ToString();
  if (!config.config || !mapping.mapping) return false;
  config_ = std::move(config.config);
  mapping_ = std::move(mapping.mapping);
  return true;
}

Result<std::unique_ptr<DirectorySource>> CommandContext::OpenDirectorySource() const {
  Result<std::string> password = ReadBindPassword(config_->directory);
  if (!password.ok()) return password.status();
  Result<std::unique_ptr<DirectorySource>> directory =
      OpenDirectory(config_->directory, std::move(password).value());
  if (!directory.ok()) return directory.status();
  PMB_RETURN_IF_ERROR((*directory)->Connect());
  return directory;
}

Result<std::unique_ptr<PmDatabase>> CommandContext::OpenDatabase(bool allow_uninitialized) const {
  Result<std::unique_ptr<PmDatabase>> db = OpenPmDatabase(config_->database);
  if (!db.ok()) return db.status();
  if (!allow_uninitialized) {
    Result<bool> initialized = (*db)->IsInitialized();
    if (!initialized.ok()) return initialized.status();
    if (!*initialized) {
      return Status::Database("the database has no pmbridge tables yet: run `pmbridge db init`");
    }
  }
  // Test seam: simulate a crash (SIGKILL, no cleanup) after N changes were written inside
  // the apply transaction, to prove that a killed reconcile leaves nothing behind.
  if (const char* n = std::getenv("PMBRIDGE_TEST_KILL_AFTER_CHANGES"); n != nullptr) {
    const std::size_t after = std::strtoull(n, nullptr, 10);
    (*db)->SetAfterChangeHook([after](std::size_t applied) {
      if (applied >= after) ::kill(::getpid(), SIGKILL);
    });
  }
  return db;
}

Result<PreviewOutcome> CommandContext::Preview() const {
  Result<std::unique_ptr<DirectorySource>> directory = OpenDirectorySource();
  if (!directory.ok()) return directory.status();
  Result<std::unique_ptr<PmDatabase>> database = OpenDatabase();
  if (!database.ok()) return database.status();
  SystemClock clock;
  Reconciler reconciler(*config_, *mapping_, **directory, **database, clock);
  return reconciler.Preview();
}

std::string CommandContext::Actor(const std::string& command) {
  std::string user = "uid " + std::to_string(::geteuid());
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr) user = pw->pw_name;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return "pmbridge " + command + " (" + user + "@" + host + ")";
}

int ReportError(const Status& status) {
  std::cerr << "pmbridge: " << status.ToString() << "\n";
  return kExitError;
}

}  // namespace pmbridge
