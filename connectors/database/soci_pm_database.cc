#include "connectors/database/soci_pm_database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <utility>

#include "connectors/database/audit_log.h"
#include "connectors/database/database_error.h"
#include "connectors/database/schema.h"
#include "connectors/database/state_reader.h"
#include "connectors/database/write_transaction.h"

namespace pmbridge {
namespace {

// How long a second writer waits for SQLite's write lock before giving up.
constexpr int kSqliteBusyTimeoutMs = 10000;

void RollbackQuietly(soci::session& sql) {
  try {
    sql << "ROLLBACK";
  } catch (...) {
    // The transaction is gone either way (a broken connection rolls back server-side).
  }
}

// Once per process, before its first SQLite connection opens (SQLite refuses, harmlessly,
// once one has): no mutex on each connection, since every SociPmDatabase is one connection
// used by one thread at a time, and no memory statistics, whose global mutex every SQLite
// allocation takes. SQLite's default, serialized mode locks and unlocks the connection's
// mutex on every column read: a tenth of a 100k-person state read.
void ConfigureSqliteLibrary() {
  static const bool configured = [] {
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  static_cast<void>(configured);
}

}  // namespace

Result<std::unique_ptr<SociPmDatabase>> SociPmDatabase::Open(const DatabaseConfig& config) {
  SqlBackend backend;
  if (config.backend == "sqlite3") {
    backend = SqlBackend::kSqlite;
  } else if (config.backend == "postgresql") {
    backend = SqlBackend::kPostgresql;
  } else {
    return Status::InvalidInput("database backend '" + config.backend +
                                "' is not supported; use sqlite3 or postgresql");
  }
  if (config.schema != "reference") {
    return Status::InvalidInput("database.schema '" + config.schema +
                                "' is not supported; only 'reference' is");
  }
  if (backend == SqlBackend::kSqlite) ConfigureSqliteLibrary();
  std::unique_ptr<SociPmDatabase> db;
  Status status =
      GuardDatabase("cannot open the " + config.backend + " database", config.connect_string, [&] {
        auto session =
            backend == SqlBackend::kSqlite
                ? std::make_unique<soci::session>(soci::sqlite3, config.connect_string)
                : std::make_unique<soci::session>(soci::postgresql, config.connect_string);
        db.reset(new SociPmDatabase(std::move(session), backend, config.connect_string));
        db->ConfigureSession();
        return Status::Ok();
      });
  if (!status.ok()) return status;
  return db;
}

SociPmDatabase::SociPmDatabase(std::unique_ptr<soci::session> session, SqlBackend backend,
                               std::string connect_string)
    : session_(std::move(session)), backend_(backend), connect_string_(std::move(connect_string)) {}

void SociPmDatabase::ConfigureSession() {
  soci::session& sql = *session_;
  if (backend_ == SqlBackend::kSqlite) {
    // busy_timeout first: switching to WAL needs a moment of exclusive access.
    sql << "PRAGMA busy_timeout = " + std::to_string(kSqliteBusyTimeoutMs);
    sql << "PRAGMA journal_mode = WAL";
    sql << "PRAGMA synchronous = NORMAL";
    sql << "PRAGMA foreign_keys = ON";
  } else {
    // libpq prints NOTICEs and WARNINGs ("relation already exists, skipping" from CREATE
    // ... IF NOT EXISTS) straight to stderr, past our logging; errors arrive as exceptions.
    sql << "SET client_min_messages = error";
  }
}

void SociPmDatabase::EnsureConnected() {
  if (!suspect_) return;
  if (!session_->is_connected()) {
    session_->reconnect();
    ConfigureSession();
  }
  suspect_ = false;
}

std::string SociPmDatabase::CommitVersion() {
  return ReadCommitVersion(*session_, backend_) + ", " + std::to_string(commits_) +
         " committed here";
}

void SociPmDatabase::EndWrite(bool failed) {
  write_open_ = false;
  suspect_ = suspect_ || failed;
}

template <typename F>
Status SociPmDatabase::Guard(std::string_view what, F&& body) {
  Status status = GuardDatabase(what, connect_string_, [&] {
    EnsureConnected();
    return body();
  });
  if (!status.ok()) suspect_ = true;
  return status;
}

template <typename F>
Status SociPmDatabase::InSnapshot(std::string_view what, F&& body) {
  if (write_open_) {
    return Status::Internal(std::string(what) +
                            ": a write transaction is open on this "
                            "connection; read through it instead");
  }
  return Guard(what, [&] {
    BeginSnapshotTransaction(*session_, backend_);
    try {
      body();
    } catch (...) {
      RollbackQuietly(*session_);
      throw;
    }
    *session_ << "COMMIT";
    return Status::Ok();
  });
}

Status SociPmDatabase::Initialize() {
  if (write_open_) return Status::Internal("db init: a write transaction is open");
  return Guard("db init", [&] {
    BeginLockedTransaction(*session_, backend_);
    try {
      CreateReferenceSchema(*session_, backend_);
      *session_ << "COMMIT";
      Committed();
    } catch (...) {
      RollbackQuietly(*session_);
      throw;
    }
    return Status::Ok();
  });
}

Result<bool> SociPmDatabase::IsInitialized() {
  bool exists = false;
  Status status = Guard("checking for the pmbridge tables", [&] {
    exists = BridgeTablesExist(*session_, backend_);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return exists;
}

Result<CurrentState> SociPmDatabase::LoadCurrentState() {
  Result<VersionedState> versioned = LoadVersionedState({});
  if (!versioned.ok()) return versioned.status();
  return std::move(versioned->state);
}

Result<VersionedState> SociPmDatabase::LoadVersionedState(const CatalogHandoff& on_catalog) {
  VersionedState versioned;
  Status status = InSnapshot("reading the PM database", [&] {
    // First, so that it stands for the snapshot the reads below see.
    versioned.version = CommitVersion();
    versioned.state = ReadCurrentState(*session_, backend_, on_catalog);
  });
  if (!status.ok()) {
    Result<bool> initialized = IsInitialized();
    if (initialized.ok() && !*initialized) {
      return Status::Database("the database has no pmbridge tables; run `pmbridge db init` first");
    }
    return status;
  }
  return versioned;
}

Result<std::optional<std::string>> SociPmDatabase::GetState(const std::string& name) {
  std::optional<std::string> value;
  Status status = Guard("reading pmbridge_state " + name, [&] {
    std::string key = name;
    std::string stored;
    soci::indicator ind = soci::i_null;
    *session_ << "SELECT value FROM pmbridge_state WHERE name = :name", soci::into(stored, ind),
        soci::use(key);
    if (session_->got_data() && ind == soci::i_ok) value = std::move(stored);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return value;
}

Result<std::unique_ptr<PmWriteTransaction>> SociPmDatabase::BeginWrite() {
  if (write_open_) {
    return Status::Internal("a write transaction is already open on this connection");
  }
  Status status = Guard("beginning a write transaction", [&] {
    try {
      BeginLockedTransaction(*session_, backend_);
    } catch (...) {
      RollbackQuietly(*session_);
      throw;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  write_open_ = true;
  return std::unique_ptr<PmWriteTransaction>(std::make_unique<SociWriteTransaction>(*this));
}

Result<AuditChainCheck> SociPmDatabase::VerifyAuditChain() {
  AuditChainCheck check;
  Status status = InSnapshot("verifying the audit chain",
                             [&] { check = CheckAuditChain(*session_, backend_); });
  if (!status.ok()) return status;
  return check;
}

Result<std::unique_ptr<PmDatabase>> OpenPmDatabase(const DatabaseConfig& config) {
  Result<std::unique_ptr<SociPmDatabase>> db = SociPmDatabase::Open(config);
  if (!db.ok()) return db.status();
  return std::unique_ptr<PmDatabase>(std::move(*db));
}

}  // namespace pmbridge
