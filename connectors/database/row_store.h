// Where PlanWriter's rows go: one implementation per backend, each writing a RowBatch the
// fastest way its backend allows, inside the caller's transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "connectors/database/row_batch.h"
#include "connectors/database/sql_backend.h"

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

class RowStore {
 public:
  virtual ~RowStore() = default;

  // `count` new pm_users ids, unused by any row and never handed out again. Creates know
  // their user_id up front, so their rights, providers, links and audit rows can be written
  // in bulk alongside them.
  virtual std::vector<std::int64_t> ReserveUserIds(std::size_t count) = 0;
  // Writes every row of `batch`. Throws on any database error.
  virtual void Write(const RowBatch& batch) = 0;
};

// SQLite: reused prepared statements. PostgreSQL: COPY on SOCI's libpq connection.
std::unique_ptr<RowStore> MakeRowStore(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
