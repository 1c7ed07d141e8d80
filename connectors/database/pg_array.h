// PostgreSQL array literals ("{1,2,3}", {"a","b\"c"}), bound as one text parameter and cast
// to bigint[] / text[] in the query: one statement for any number of keys, where an IN list
// would need a placeholder per key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pmbridge {

// "{1,2,3}".
std::string PgArrayLiteral(const std::vector<std::int64_t>& values);
// Every element double-quoted, with '"' and '\' escaped by a backslash, so any text (empty,
// "NULL", commas, braces, spaces) reads back as itself.
std::string PgArrayLiteral(const std::vector<std::string>& values);

}  // namespace pmbridge
