// LDAP search filters (RFC 4515): validation of the administrator's filters, and escaping of
// any value that is put into a filter, so data can never change a filter's meaning.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pmbridge {

// Escapes an assertion value per RFC 4515: '*', '(', ')', '\' and NUL become \2a, \28,
// \29, \5c, \00. Bytes >= 0x80 are kept (UTF-8 is allowed in filter values).
std::string EscapeFilterValue(std::string_view value);

struct FilterError {
  std::string message;  // what is wrong, e.g. "unbalanced parenthesis"
  std::size_t offset;   // 0-based byte offset into the filter where it was noticed
};

// Validates `filter` against the RFC 4515 grammar (with the extensible-match form and
// the parentheses required). nullopt when valid.
std::optional<FilterError> ValidateFilter(std::string_view filter);

}  // namespace pmbridge
