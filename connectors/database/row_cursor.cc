#include "connectors/database/row_cursor.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>

#include "connectors/database/pg_array.h"

namespace pmbridge {
namespace {

// SOCI includes <sqlite3.h> inside namespace sqlite_api, and its include guard keeps a
// second, global copy out.
using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;

class SqliteCursor final : public RowCursor {
 public:
  SqliteCursor(sqlite3* db, const std::string& query, std::vector<SqlParam> params)
      : db_(db), params_(std::move(params)) {
    if (sqlite_api::sqlite3_prepare_v2(db_, query.c_str(), static_cast<int>(query.size()), &stmt_,
                                       nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sqlite_api::sqlite3_errmsg(db_)) +
                               " while preparing \"" + query + "\"");
    }
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      // Text is bound without a copy (SQLITE_STATIC, a null destructor): params_ lives as
      // long as the statement.
      const std::string* text = std::get_if<std::string>(&params_[i]);
      const int rc =
          text == nullptr
              ? sqlite_api::sqlite3_bind_int64(stmt_, index, std::get<std::int64_t>(params_[i]))
              : sqlite_api::sqlite3_bind_text64(stmt_, index, text->data(), text->size(), nullptr,
                                                SQLITE_UTF8);
      if (rc != SQLITE_OK) {
        // A throwing constructor runs no destructor: finalize here.
        std::string message = sqlite_api::sqlite3_errmsg(db_);
        sqlite_api::sqlite3_finalize(stmt_);
        throw std::runtime_error(message + " while binding parameter " + std::to_string(index) +
                                 " of \"" + query + "\"");
      }
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
  std::vector<SqlParam> params_;
  sqlite3_stmt* stmt_ = nullptr;
};

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// `result`, unless its status is not `expected`: then the server's message, with `sql`.
PgResult Checked(PGconn* conn, PGresult* result, ExecStatusType expected, const std::string& sql) {
  PgResult owned(result, &PQclear);
  if (PQresultStatus(owned.get()) != expected) {
    const char* message = PQresultErrorMessage(owned.get());
    throw std::runtime_error(
        std::string(message != nullptr && *message != '\0' ? message : PQerrorMessage(conn)) +
        " while executing \"" + sql + "\"");
  }
  return owned;
}

// Rows of a PostgreSQL result, text format.
class PostgresRows : public RowCursor {
 public:
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

 protected:
  void Hold(PgResult result) {
    result_ = std::move(result);
    rows_ = PQntuples(result_.get());
    row_ = -1;
  }
  // The next row of the result held; false past its end.
  bool NextHeld() { return ++row_ < rows_; }
  int rows() const { return rows_; }

 private:
  PgResult result_{nullptr, &PQclear};
  int rows_ = 0;
  int row_ = -1;
};

// The whole result arrives at once (as with SOCI's own PostgreSQL backend). Parameters
// travel in text format, their types inferred by the server from the query.
class PostgresCursor final : public PostgresRows {
 public:
  PostgresCursor(PGconn* conn, const std::string& query, const std::vector<SqlParam>& params) {
    Hold(Checked(conn, Execute(conn, query, params), PGRES_TUPLES_OK, query));
  }

  bool Next() override { return NextHeld(); }

 private:
  static PGresult* Execute(PGconn* conn, const std::string& query,
                           const std::vector<SqlParam>& params) {
    if (params.empty()) return PQexec(conn, query.c_str());
    std::vector<std::string> texts;
    texts.reserve(params.size());
    for (const SqlParam& param : params) {
      texts.push_back(std::holds_alternative<std::int64_t>(param)
                          ? std::to_string(std::get<std::int64_t>(param))
                          : std::get<std::string>(param));
    }
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const std::string& text : texts) {
      values.push_back(text.c_str());
      lengths.push_back(static_cast<int>(text.size()));
    }
    return PQexecParams(conn, query.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), lengths.data(), nullptr, 0);
  }
};

// A server-side cursor (DECLARE ... NO SCROLL CURSOR), fetched kRowsPerFetch rows at a
// time and closed when destroyed.
class PostgresBatchCursor final : public PostgresRows {
 public:
  PostgresBatchCursor(PGconn* conn, const std::string& query)
      : conn_(conn), name_("pmbridge_rows_" + std::to_string(++opened_)) {
    const std::string declare = "DECLARE " + name_ + " NO SCROLL CURSOR FOR " + query;
    Checked(conn_, PQexec(conn_, declare.c_str()), PGRES_COMMAND_OK, declare);
    Fetch();
  }

  ~PostgresBatchCursor() override {
    // In a transaction that has failed the server refuses this, and ends the cursor with
    // the transaction anyway.
    PQclear(PQexec(conn_, ("CLOSE " + name_).c_str()));
  }
  PostgresBatchCursor(const PostgresBatchCursor&) = delete;
  PostgresBatchCursor& operator=(const PostgresBatchCursor&) = delete;

  bool Next() override {
    if (NextHeld()) return true;
    if (rows() < kRowsPerFetch) return false;  // that batch was the last
    Fetch();
    return NextHeld();
  }

 private:
  void Fetch() {
    const std::string fetch = "FETCH FORWARD " + std::to_string(kRowsPerFetch) + " FROM " + name_;
    Hold(Checked(conn_, PQexec(conn_, fetch.c_str()), PGRES_TUPLES_OK, fetch));
  }

  // Names need only be distinct among one connection's open cursors; one counter for the
  // process does that.
  static inline std::atomic<std::uint64_t> opened_{0};

  PGconn* conn_;
  std::string name_;
};

// The rows of several queries run one after another, each opened when the previous one
// has been read to its end.
class ChainedCursor final : public RowCursor {
 public:
  using Opener = std::function<std::unique_ptr<RowCursor>(std::size_t)>;

  // `open(i)` runs query i of `count`.
  ChainedCursor(std::size_t count, Opener open) : count_(count), open_(std::move(open)) {}

  bool Next() override {
    while (true) {
      if (current_ != nullptr && current_->Next()) return true;
      if (next_ == count_) {
        current_.reset();
        return false;
      }
      current_.reset();  // one open statement at a time
      current_ = open_(next_++);
    }
  }

  std::int64_t Int(int column) const override { return current_->Int(column); }
  std::string_view Text(int column) const override { return current_->Text(column); }

 private:
  std::size_t count_;
  Opener open_;
  std::size_t next_ = 0;
  std::unique_ptr<RowCursor> current_;
};

template <typename Key>
std::unique_ptr<RowCursor> OpenForKeys(soci::session& sql, SqlBackend backend, std::string select,
                                       const std::string& key, std::vector<Key> keys,
                                       const char* pg_array_type) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.empty()) return std::make_unique<ChainedCursor>(0, nullptr);

  if (backend == SqlBackend::kPostgresql) {
    std::string query = select + key + " = ANY(CAST($1 AS " + pg_array_type + "))";
    std::vector<SqlParam> params{PgArrayLiteral(keys)};
    return std::make_unique<ChainedCursor>(
        1, [&sql, query = std::move(query), params = std::move(params)](std::size_t) {
          return OpenCursor(sql, SqlBackend::kPostgresql, query, params);
        });
  }

  const std::size_t queries = (keys.size() + kSqliteKeysPerQuery - 1) / kSqliteKeysPerQuery;
  return std::make_unique<ChainedCursor>(
      queries, [&sql, select = std::move(select), key, keys = std::move(keys)](std::size_t i) {
        const std::size_t begin = i * kSqliteKeysPerQuery;
        const std::size_t end = std::min(keys.size(), begin + kSqliteKeysPerQuery);
        std::string query = select + key + " IN (";
        std::vector<SqlParam> params;
        params.reserve(end - begin);
        for (std::size_t k = begin; k < end; ++k) {
          query += k == begin ? "?" : ", ?";
          params.emplace_back(keys[k]);
        }
        query += ')';
        return OpenCursor(sql, SqlBackend::kSqlite, query, std::move(params));
      });
}

}  // namespace

std::unique_ptr<RowCursor> OpenCursor(soci::session& sql, SqlBackend backend,
                                      const std::string& query, std::vector<SqlParam> params) {
  // SOCI 4.0 has no public accessor for the native handles; its backend structs expose
  // them as conn_.
  if (backend == SqlBackend::kSqlite) {
    auto* native = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    return std::make_unique<SqliteCursor>(native->conn_, query, std::move(params));
  }
  auto* native = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return std::make_unique<PostgresCursor>(native->conn_, query, params);
}

std::unique_ptr<RowCursor> OpenTableCursor(soci::session& sql, SqlBackend backend,
                                           const std::string& query) {
  if (backend == SqlBackend::kSqlite) return OpenCursor(sql, backend, query);
  auto* native = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return std::make_unique<PostgresBatchCursor>(native->conn_, query);
}

std::unique_ptr<RowCursor> OpenCursorForKeys(soci::session& sql, SqlBackend backend,
                                             std::string select, std::string key,
                                             std::vector<std::int64_t> keys) {
  return OpenForKeys(sql, backend, std::move(select), key, std::move(keys), "bigint[]");
}

std::unique_ptr<RowCursor> OpenCursorForKeys(soci::session& sql, SqlBackend backend,
                                             std::string select, std::string key,
                                             std::vector<std::string> keys) {
  return OpenForKeys(sql, backend, std::move(select), key, std::move(keys), "text[]");
}

}  // namespace pmbridge
