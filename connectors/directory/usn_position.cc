#include "connectors/directory/usn_position.h"

#include <charconv>

namespace pmbridge {
namespace {

constexpr std::string_view kPrefix = "usn:";

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case hex, as FormatObjectGuid writes it.
bool IsCanonicalGuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<UsnPosition> ParseUsnPosition(std::string_view text) {
  auto malformed = [&] {
    return Status::InvalidInput("'" + std::string(text.substr(0, 80)) +
                                "' is not a uSNChanged position (usn:<invocationId>:<USN>)");
  };
  if (!text.starts_with(kPrefix)) return malformed();
  std::string_view rest = text.substr(kPrefix.size());
  const std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos || !IsCanonicalGuid(rest.substr(0, colon))) {
    return malformed();
  }
  UsnPosition position;
  position.invocation_id = std::string(rest.substr(0, colon));
  std::string_view number = rest.substr(colon + 1);
  const char* end = number.data() + number.size();
  auto [ptr, ec] = std::from_chars(number.data(), end, position.usn);
  if (number.empty() || ec != std::errc() || ptr != end) return malformed();
  return position;
}

std::string FormatUsnPosition(const UsnPosition& position) {
  return std::string(kPrefix) + position.invocation_id + ":" + std::to_string(position.usn);
}

}  // namespace pmbridge
