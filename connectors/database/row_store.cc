#include "connectors/database/row_store.h"

#include "connectors/database/postgres_row_store.h"
#include "connectors/database/sqlite_row_store.h"

namespace pmbridge {

std::unique_ptr<RowStore> MakeRowStore(soci::session& sql, SqlBackend backend) {
  if (backend == SqlBackend::kSqlite) return std::make_unique<SqliteRowStore>(sql);
  return std::make_unique<PostgresRowStore>(sql);
}

}  // namespace pmbridge
