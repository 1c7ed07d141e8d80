// Forward-only reads of a query's rows through the backend's C API, on SOCI's own
// connection and inside its current transaction. For full-table reads only: SOCI's SQLite
// backend turns every value into text and parses it back, which costs ~1 s per 100k users
// with their rights and providers; sqlite3_column_* directly takes a third of that.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/database/sql_backend.h"

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

class RowCursor {
 public:
  virtual ~RowCursor() = default;

  // Advances to the next row; false after the last. Throws on a database error.
  virtual bool Next() = 0;
  // Column `column` (0-based) of the current row. NULL reads as 0 and "". Text is valid
  // until the next call to Next().
  virtual std::int64_t Int(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
};

// Runs `query` (a constant: no parameters) on the connection under `sql`.
std::unique_ptr<RowCursor> OpenCursor(soci::session& sql, SqlBackend backend,
                                      const std::string& query);

}  // namespace pmbridge
