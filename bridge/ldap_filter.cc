// Placeholder: replaced by the RFC 4515 validator.
#include "bridge/ldap_filter.h"

namespace pmbridge {
std::string EscapeFilterValue(std::string_view value) { return std::string(value); }
std::optional<FilterError> ValidateFilter(std::string_view) { return std::nullopt; }
}  // namespace pmbridge
