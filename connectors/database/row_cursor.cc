#include "connectors/database/row_cursor.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <charconv>
#include <stdexcept>

namespace pmbridge {
namespace {

// SOCI includes <sqlite3.h> inside namespace sqlite_api, and its include guard keeps a
// second, global copy out.
using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;

class SqliteCursor final : public RowCursor {
 public:
  SqliteCursor(sqlite3* db, const std::string& query) : db_(db) {
    if (sqlite_api::sqlite3_prepare_v2(db_, query.c_str(), static_cast<int>(query.size()), &stmt_,
                                       nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sqlite_api::sqlite3_errmsg(db_)) +
                               " while preparing \"" + query + "\"");
    }
  }
  ~SqliteCursor() override { sqlite_api::sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  bool Next() override {
    int rc = sqlite_api::sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(sqlite_api::sqlite3_errmsg(db_));
  }

  std::int64_t Int(int column) const override {
    return sqlite_api::sqlite3_column_int64(stmt_, column);
  }

  std::string_view Text(int column) const override {
    const unsigned char* text = sqlite_api::sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite_api::sqlite3_column_bytes(stmt_, column))};
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// The whole result arrives at once (as with SOCI's own PostgreSQL backend); text format.
class PostgresCursor final : public RowCursor {
 public:
  PostgresCursor(PGconn* conn, const std::string& query)
      : result_(PQexec(conn, query.c_str()), &PQclear) {
    if (PQresultStatus(result_.get()) != PGRES_TUPLES_OK) {
      const char* message = PQresultErrorMessage(result_.get());
      throw std::runtime_error(
          std::string(message != nullptr && *message != '\0' ? message : PQerrorMessage(conn)) +
          " while executing \"" + query + "\"");
    }
    rows_ = PQntuples(result_.get());
  }

  bool Next() override { return ++row_ < rows_; }

  std::int64_t Int(int column) const override {
    std::string_view text = Text(column);
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  std::string_view Text(int column) const override {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
  int rows_ = 0;
  int row_ = -1;
};

}  // namespace

std::unique_ptr<RowCursor> OpenCursor(soci::session& sql, SqlBackend backend,
                                      const std::string& query) {
  // SOCI 4.0 has no public accessor for the native handles; its backend structs expose
  // them as conn_.
  if (backend == SqlBackend::kSqlite) {
    auto* native = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    return std::make_unique<SqliteCursor>(native->conn_, query);
  }
  auto* native = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return std::make_unique<PostgresCursor>(native->conn_, query);
}

}  // namespace pmbridge
