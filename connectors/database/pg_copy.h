// COPY ... FROM STDIN on SOCI's own libpq connection, inside its current transaction.
// SOCI's vector insert runs one statement per row on PostgreSQL (~20k rows/s here); COPY
// loads 400-600k rows/s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

// Rows in COPY's text format: fields separated by tab, rows ended by newline, NULL as \N,
// and in values the characters COPY treats specially (backslash, tab, newline, carriage
// return) escaped with a backslash.
class CopyRows {
 public:
  CopyRows& Text(std::string_view value);
  // NULL when `value` is empty.
  CopyRows& TextOrNull(std::string_view value);
  CopyRows& Int(std::int64_t value);
  CopyRows& Null();
  void EndRow();

  const std::string& data() const { return data_; }
  std::size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }

 private:
  void Separate();

  std::string data_;
  std::size_t rows_ = 0;
  bool row_open_ = false;
};

// Runs `copy_statement` ("COPY table (columns) FROM STDIN") with `rows` as its data on
// the libpq connection under `sql` (a PostgreSQL session). Throws std::runtime_error with
// the server's message when the COPY fails.
void CopyIn(soci::session& sql, const std::string& copy_statement, const CopyRows& rows);

}  // namespace pmbridge
