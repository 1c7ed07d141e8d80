// The PM database seam. The engine reads and writes the practice database only through
// this interface; connectors/database implements it with SOCI for SQLite and PostgreSQL.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge/plan.h"
#include "bridge/pm_state.h"
#include "bridge/status.h"

namespace pmbridge {

struct DatabaseConfig;

// Who and why, for the audit rows an Apply writes.
struct AuditContext {
  std::string actor;  // e.g. "pmbridge reconcile (root@host)"
  std::string event;  // e.g. "full reconcile", "syncrepl delete"
  std::chrono::system_clock::time_point now;
};

struct AuditChainCheck {
  std::int64_t rows = 0;
  bool intact = true;
  std::int64_t first_bad_seq = 0;  // when !intact
};

struct ManagedCounts {
  int accounts = 0;            // pmbridge_links rows
  int active_super_users = 0;  // linked accounts that are active super users
};

// A read of the whole state, with a token of what had been committed when it was read.
struct VersionedState {
  CurrentState state;
  // Equal to PmWriteTransaction::CommitVersion() of a later transaction on the same
  // database object only when nothing was committed in between, by anyone: then `state`
  // is exactly what that transaction would read.
  std::string version;
};

// One write transaction. Holds the database's write lock from BeginWrite() to Commit() or
// destruction; destruction without Commit() rolls back everything.
class PmWriteTransaction {
 public:
  virtual ~PmWriteTransaction() = default;

  // The state as seen inside this transaction (plan against this, not an earlier read).
  virtual Result<CurrentState> LoadCurrentState() = 0;
  // What had been committed when this transaction began (see VersionedState).
  virtual Result<std::string> CommitVersion() = 0;
  // Only the catalog (modules and providers), as seen inside this transaction.
  virtual Result<Catalog> LoadCatalog() = 0;
  // The part of the state a change batch may touch (daemon): the catalog, the
  // pmbridge_links rows of `anchors` and their accounts, and every account whose login
  // folds (ASCII lower-case) to one of `folded_logins`, managed or not.
  virtual Result<CurrentState> LoadPeople(const std::vector<std::string>& anchors,
                                          const std::vector<std::string>& folded_logins) = 0;
  // Counts over all managed accounts, for the safety rules of a partial plan.
  virtual Result<ManagedCounts> CountManaged() = 0;
  // Applies every change of `plan`, in order, with one audit row each (hash-chained) and
  // the pmbridge_links rows. A failure leaves the transaction unusable: do not commit.
  virtual Status Apply(const Plan& plan, const AuditContext& context) = 0;
  // Sets pmbridge_state(name) = value in this transaction.
  virtual Status PutState(const std::string& name, const std::string& value) = 0;
  virtual Status Commit() = 0;
};

// Test seam: called after each change is written, inside the transaction, with the count
// written so far. Tests use it to kill the process mid-apply.
using AfterChangeHook = std::function<void(std::size_t applied)>;

class PmDatabase {
 public:
  virtual ~PmDatabase() = default;

  // Creates the bridge's tables and, for the reference schema, the PM tables with the
  // seeded modules. Idempotent.
  virtual Status Initialize() = 0;
  // True when the bridge's tables exist (so `plan` can say "run db init first").
  virtual Result<bool> IsInitialized() = 0;
  // A consistent read of the whole state, outside any write transaction.
  virtual Result<CurrentState> LoadCurrentState() = 0;
  // The same read, with its commit version: a reconcile reads the accounts this way, on a
  // thread of its own while it reads the directory, and keeps them if its write
  // transaction finds the same version. A read may run on any thread, as long as nothing
  // else uses this object meanwhile. `on_catalog`, when not empty, is called with the
  // read's catalog as soon as it is in, before the accounts (on the reading thread).
  using CatalogHandoff = std::function<void(const Catalog& catalog)>;
  virtual Result<VersionedState> LoadVersionedState(const CatalogHandoff& on_catalog) = 0;
  virtual Result<std::optional<std::string>> GetState(const std::string& name) = 0;
  // Begins a write transaction and takes the write lock (SQLite BEGIN IMMEDIATE,
  // PostgreSQL advisory lock), so two reconciles never interleave.
  virtual Result<std::unique_ptr<PmWriteTransaction>> BeginWrite() = 0;
  // Recomputes the audit hash chain.
  virtual Result<AuditChainCheck> VerifyAuditChain() = 0;

  virtual void SetAfterChangeHook(AfterChangeHook hook) = 0;
};

// Opens the database named by `config` (backend sqlite3 or postgresql).
Result<std::unique_ptr<PmDatabase>> OpenPmDatabase(const DatabaseConfig& config);

}  // namespace pmbridge
