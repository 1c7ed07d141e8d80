// RowStore for PostgreSQL. Row-at-a-time statements cost a network round trip each (SOCI's
// vector insert included: ~20k rows/s), so every group of rows travels in bulk: inserts by
// COPY, edits of pm_users by COPY into a temporary table and one UPDATE ... FROM per kind,
// deletes by one `user_id = ANY(array)` statement.
#pragma once

#include <cstdint>
#include <vector>

#include "connectors/database/row_store.h"

namespace pmbridge {

class PostgresRowStore final : public RowStore {
 public:
  explicit PostgresRowStore(soci::session& sql) : sql_(sql) {}

  // nextval() of pm_users' identity sequence, `count` times in one statement.
  std::vector<std::int64_t> ReserveUserIds(std::size_t count) override;
  void Write(const RowBatch& batch) override;

 private:
  void WriteEdits(const RowBatch& batch);
  void DeleteForUsers(const char* table, const std::vector<std::int64_t>& user_ids);

  soci::session& sql_;
};

}  // namespace pmbridge
