// Forward-only reads of a query's rows through the backend's C API, on SOCI's own
// connection and inside its current transaction. SOCI's SQLite backend turns every value
// into text and parses it back, which costs ~1 s per 100k users with their rights and
// providers; sqlite3_column_* directly takes a third of that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// A value bound to a query's placeholder: never spliced into the SQL text.
using SqlParam = std::variant<std::int64_t, std::string>;

// Runs `query`, which takes no parameters and may return a whole table, on the connection
// under `sql`, inside its current transaction. SQLite steps through the rows as
// OpenCursor does. PostgreSQL reads them through a server-side cursor, kRowsPerFetch at a
// time: a whole result sits in client memory at once, and the 400,000 rights rows of a
// 100k-person database take some 50 MB there. Throws on a database error.
std::unique_ptr<RowCursor> OpenTableCursor(soci::session& sql, SqlBackend backend,
                                           const std::string& query);
inline constexpr int kRowsPerFetch = 10000;

// Runs `query` on the connection under `sql`, with `params` bound to its placeholders in
// order (SQLite "?", PostgreSQL "$1", "$2", ...). Throws on a database error.
std::unique_ptr<RowCursor> OpenCursor(soci::session& sql, SqlBackend backend,
                                      const std::string& query, std::vector<SqlParam> params = {});

// SQLite binds at most 32766 parameters per statement (3.32+, less when built otherwise);
// much shorter lists keep each statement cheap to prepare.
inline constexpr std::size_t kSqliteKeysPerQuery = 500;

// The rows of `select` + `key` matched against every one of `keys`, where `select` ends
// in "WHERE " (or "... AND "): PostgreSQL in one query, `key = ANY(CAST($1 AS bigint[]))`
// (text[] for text keys); SQLite `key IN (?, ...)` in queries of kSqliteKeysPerQuery
// keys, read one after another. Keys listed twice count once, so with a single-valued
// `key` every matching row comes exactly once, in no particular order. No keys: no rows,
// and no query runs.
std::unique_ptr<RowCursor> OpenCursorForKeys(soci::session& sql, SqlBackend backend,
                                             std::string select, std::string key,
                                             std::vector<std::int64_t> keys);
std::unique_ptr<RowCursor> OpenCursorForKeys(soci::session& sql, SqlBackend backend,
                                             std::string select, std::string key,
                                             std::vector<std::string> keys);

}  // namespace pmbridge
