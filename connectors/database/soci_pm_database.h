// PmDatabase over one SOCI session, SQLite or PostgreSQL. One instance is one connection:
// it runs one write transaction at a time, and the transaction borrows the instance (it
// must not outlive it). Instances are not thread-safe; use one per thread.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bridge/config/config.h"
#include "bridge/pm_database.h"
#include "connectors/database/sql_backend.h"

namespace pmbridge {

class SociPmDatabase final : public PmDatabase {
 public:
  // Connects to config.connect_string (SOCI key=value: "db=/path.db" for sqlite3,
  // "host=... port=... dbname=... user=..." for postgresql) and sets up the connection:
  // SQLite WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout 10 s; PostgreSQL
  // client_min_messages=error. Only schema "reference" is supported: kInvalidInput
  // otherwise, and for an unknown backend.
  static Result<std::unique_ptr<SociPmDatabase>> Open(const DatabaseConfig& config);

  Status Initialize() override;
  Result<bool> IsInitialized() override;
  Result<CurrentState> LoadCurrentState() override;
  Result<VersionedState> LoadVersionedState(const CatalogHandoff& on_catalog) override;
  Result<std::optional<std::string>> GetState(const std::string& name) override;
  Result<std::unique_ptr<PmWriteTransaction>> BeginWrite() override;
  Result<AuditChainCheck> VerifyAuditChain() override;
  void SetAfterChangeHook(AfterChangeHook hook) override { hook_ = std::move(hook); }

  // For SociWriteTransaction.
  soci::session& session() { return *session_; }
  SqlBackend backend() const { return backend_; }
  const std::string& connect_string() const { return connect_string_; }
  const AfterChangeHook& after_change_hook() const { return hook_; }
  // Called when the open write transaction ends (commit or rollback). `failed` marks the
  // connection as suspect, so the next operation checks it and reconnects if it is gone.
  void EndWrite(bool failed);
  // Called when the open write transaction has committed, just before EndWrite.
  void Committed() { ++commits_; }
  // ReadCommitVersion plus this connection's own commits, which SQLite's data_version
  // does not count.
  std::string CommitVersion();

 private:
  SociPmDatabase(std::unique_ptr<soci::session> session, SqlBackend backend,
                 std::string connect_string);

  // Per-connection settings; run after every (re)connect.
  void ConfigureSession();
  // Reconnects when an earlier failure left the connection broken.
  void EnsureConnected();
  // Runs `body` (returning Status) with the exception boundary and connection checks.
  template <typename F>
  Status Guard(std::string_view what, F&& body);
  // Runs `body` inside a snapshot transaction, then commits (rolls back on failure).
  template <typename F>
  Status InSnapshot(std::string_view what, F&& body);

  std::unique_ptr<soci::session> session_;
  SqlBackend backend_;
  std::string connect_string_;
  AfterChangeHook hook_;
  bool write_open_ = false;
  bool suspect_ = false;
  std::uint64_t commits_ = 0;  // write transactions (and db inits) committed here
};

}  // namespace pmbridge
