// ValidateFilter and EscapeFilterValue on arbitrary bytes: no crash, offsets inside the
// filter, and an escaped value never changes a filter's structure.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/ldap_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<pmbridge::FilterError> error = pmbridge::ValidateFilter(text);
  if (error && (error->offset > size || error->message.empty())) __builtin_trap();

  std::string escaped = pmbridge::EscapeFilterValue(text);
  if (escaped.find_first_of(std::string_view("*()\0", 4)) != std::string::npos) {
    __builtin_trap();
  }
  // As an equality value the escaped text is valid, unless it is not UTF-8 (kept as is).
  std::optional<pmbridge::FilterError> value_error =
      pmbridge::ValidateFilter("(cn=" + escaped + ")");
  if (value_error && value_error->message.find("UTF-8") == std::string::npos) __builtin_trap();
  return 0;
}
