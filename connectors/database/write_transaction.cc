#include "connectors/database/write_transaction.h"

#include <soci/soci.h>

#include "connectors/database/audit_log.h"
#include "connectors/database/database_error.h"
#include "connectors/database/plan_writer.h"
#include "connectors/database/row_store.h"
#include "connectors/database/state_reader.h"

namespace pmbridge {

SociWriteTransaction::~SociWriteTransaction() {
  if (phase_ == Phase::kOpen || phase_ == Phase::kFailed) Rollback();
}

void SociWriteTransaction::Rollback() {
  bool failed = phase_ == Phase::kFailed;
  try {
    db_.session() << "ROLLBACK";
  } catch (...) {
    failed = true;  // a broken connection: the server has rolled back already
  }
  phase_ = Phase::kRolledBack;
  db_.EndWrite(failed);
}

template <typename F>
Status SociWriteTransaction::Step(std::string_view what, F&& body) {
  if (phase_ != Phase::kOpen) {
    return Status::Internal(
        std::string(what) + ": the write transaction is " +
        (phase_ == Phase::kFailed ? "unusable after an earlier failure" : "already finished"));
  }
  Status status = GuardDatabase(what, db_.connect_string(), std::forward<F>(body));
  if (!status.ok()) phase_ = Phase::kFailed;
  return status;
}

template <typename T, typename Read>
Result<T> SociWriteTransaction::ReadStep(std::string_view what, Read read) {
  T value;
  Status status = Step(what, [&] {
    value = read(db_.session(), db_.backend());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return value;
}

Result<CurrentState> SociWriteTransaction::LoadCurrentState() {
  return ReadStep<CurrentState>(
      "reading the PM database",
      [](soci::session& sql, SqlBackend backend) { return ReadCurrentState(sql, backend); });
}

Result<CurrentState> SociWriteTransaction::LoadPeople(
    const std::vector<std::string>& anchors, const std::vector<std::string>& folded_logins) {
  return ReadStep<CurrentState>("reading the PM database",
                                [&](soci::session& sql, SqlBackend backend) {
                                  return ReadPeople(sql, backend, anchors, folded_logins);
                                });
}

Result<std::string> SociWriteTransaction::CommitVersion() {
  return ReadStep<std::string>("reading the commit version",
                               [&](soci::session&, SqlBackend) { return db_.CommitVersion(); });
}

Result<Catalog> SociWriteTransaction::LoadCatalog() {
  return ReadStep<Catalog>("reading the PM catalog", ReadCatalog);
}

Result<ManagedCounts> SociWriteTransaction::CountManaged() {
  return ReadStep<ManagedCounts>("counting the managed accounts", ReadManagedCounts);
}

Status SociWriteTransaction::Apply(const Plan& plan, const AuditContext& context) {
  return Step("applying the plan", [&] {
    if (plan.changes.empty()) return Status::Ok();
    soci::session& sql = db_.session();
    Catalog catalog = ReadCatalog(sql, db_.backend());
    AuditTip tip = ReadAuditTip(sql);
    std::unique_ptr<RowStore> store = MakeRowStore(sql, db_.backend());
    return WritePlan(*store, catalog, std::move(tip), plan, context, db_.after_change_hook());
  });
}

Status SociWriteTransaction::PutState(const std::string& name, const std::string& value) {
  return Step("writing pmbridge_state " + name, [&] {
    std::string key = name;
    std::string text = value;
    db_.session() << "INSERT INTO pmbridge_state (name, value) VALUES (:name, :value) "
                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        soci::use(key), soci::use(text);
    return Status::Ok();
  });
}

Status SociWriteTransaction::Commit() {
  if (phase_ == Phase::kCommitted || phase_ == Phase::kRolledBack) {
    return Status::Internal("commit: the write transaction is already finished");
  }
  if (phase_ == Phase::kFailed) {
    Rollback();
    return Status::Database(
        "not committed: an earlier step of this transaction failed; "
        "everything was rolled back");
  }
  Status status = Step("committing", [&] {
    db_.session() << "COMMIT";
    return Status::Ok();
  });
  if (!status.ok()) {
    Rollback();
    return status;
  }
  phase_ = Phase::kCommitted;
  db_.Committed();
  db_.EndWrite(false);
  return Status::Ok();
}

}  // namespace pmbridge
