#include "connectors/database/pg_copy.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace pmbridge {
namespace {

PGconn* Connection(soci::session& sql) {
  if (sql.get_backend_name() != "postgresql") {
    throw std::logic_error("COPY needs a PostgreSQL session");
  }
  // SOCI 4.0 has no public accessor for the PGconn; its backend struct exposes conn_.
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  if (backend->conn_ == nullptr) throw std::logic_error("PostgreSQL session not connected");
  return backend->conn_;
}

std::string ServerMessage(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Reads results until libpq has none left (required before the next command) and keeps
// the first error.
std::string DrainResults(PGconn* conn) {
  std::string error;
  while (PGresult* raw = PQgetResult(conn)) {
    ResultPtr result(raw, &PQclear);
    ExecStatusType status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && error.empty()) {
      const char* message = PQresultErrorMessage(raw);
      error = message != nullptr && *message != '\0' ? message : PQresStatus(status);
    }
  }
  while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
  return error;
}

}  // namespace

void CopyRows::Separate() {
  if (row_open_) {
    data_ += '\t';
  } else {
    row_open_ = true;
  }
}

CopyRows& CopyRows::Text(std::string_view value) {
  Separate();
  for (char c : value) {
    switch (c) {
      case '\\':
        data_ += "\\\\";
        break;
      case '\t':
        data_ += "\\t";
        break;
      case '\n':
        data_ += "\\n";
        break;
      case '\r':
        data_ += "\\r";
        break;
      default:
        data_ += c;
    }
  }
  return *this;
}

CopyRows& CopyRows::TextOrNull(std::string_view value) {
  return value.empty() ? Null() : Text(value);
}

CopyRows& CopyRows::Int(std::int64_t value) {
  Separate();
  data_ += std::to_string(value);
  return *this;
}

CopyRows& CopyRows::Null() {
  Separate();
  data_ += "\\N";
  return *this;
}

void CopyRows::EndRow() {
  data_ += '\n';
  row_open_ = false;
  ++rows_;
}

void CopyIn(soci::session& sql, const std::string& copy_statement, const CopyRows& rows) {
  PGconn* conn = Connection(sql);
  ResultPtr start(PQexec(conn, copy_statement.c_str()), &PQclear);
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    std::string message = PQresultErrorMessage(start.get());
    start.reset();
    DrainResults(conn);
    throw std::runtime_error(copy_statement + ": " +
                             (message.empty() ? ServerMessage(conn) : message));
  }
  start.reset();

  constexpr std::size_t kChunk = 1 << 20;
  const std::string& data = rows.data();
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    std::size_t length = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn, data.data() + at, static_cast<int>(length)) != 1) {
      std::string message = ServerMessage(conn);
      PQputCopyEnd(conn, "pmbridge: sending COPY data failed");
      DrainResults(conn);
      throw std::runtime_error(copy_statement + ": " + message);
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) {
    std::string message = ServerMessage(conn);
    DrainResults(conn);
    throw std::runtime_error(copy_statement + ": " + message);
  }
  std::string error = DrainResults(conn);
  if (!error.empty()) throw std::runtime_error(copy_statement + ": " + error);
}

}  // namespace pmbridge
