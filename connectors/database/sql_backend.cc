#include "connectors/database/sql_backend.h"

#include <soci/soci.h>

namespace pmbridge {

std::string TimestampAsText(SqlBackend backend, std::string_view column) {
  if (backend == SqlBackend::kSqlite) return std::string(column);
  return "to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

std::string FoldedLoginExpression(SqlBackend backend) {
  if (backend == SqlBackend::kSqlite) return "lower(login_id)";
  return "translate(login_id, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
}

void BeginLockedTransaction(soci::session& sql, SqlBackend backend) {
  if (backend == SqlBackend::kSqlite) {
    sql << "BEGIN IMMEDIATE";
    return;
  }
  sql << "BEGIN";
  // READ COMMITTED (the default) matters here: each later statement takes a fresh snapshot,
  // so it sees what the previous lock holder committed while we waited.
  long long key = kWriteLockKey;
  sql << "SELECT pg_advisory_xact_lock(:key)", soci::use(key);
}

std::string ReadCommitVersion(soci::session& sql, SqlBackend backend) {
  if (backend == SqlBackend::kSqlite) {
    long long version = 0;
    sql << "PRAGMA data_version", soci::into(version);
    return "sqlite data_version " + std::to_string(version);
  }
  std::string snapshot;
  sql << "SELECT pg_current_snapshot()::text", soci::into(snapshot);
  return "postgresql snapshot " + snapshot;
}

void BeginSnapshotTransaction(soci::session& sql, SqlBackend backend) {
  if (backend == SqlBackend::kSqlite) {
    sql << "BEGIN";
  } else {
    sql << "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  }
}

}  // namespace pmbridge
