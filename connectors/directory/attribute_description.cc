#include "connectors/directory/attribute_description.h"

#include <charconv>

#include "connectors/directory/ascii.h"

namespace pmbridge {
namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoreAsciiCase(text.substr(0, prefix.size()), prefix);
}

// A decimal number filling all of `text`.
std::optional<std::uint32_t> ParseNumber(std::string_view text) {
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

bool SameAttribute(std::string_view a, std::string_view b) { return EqualsIgnoreAsciiCase(a, b); }

std::string_view AttributeType(std::string_view description) {
  return description.substr(0, description.find(';'));
}

Result<std::optional<AttributeRange>> ParseAttributeRange(std::string_view description) {
  constexpr std::string_view kRange = "range=";
  std::size_t pos = description.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = description.substr(pos + 1);
    std::size_t next = rest.find(';');
    std::string_view option = rest.substr(0, next);
    if (StartsWithIgnoreCase(option, kRange)) {
      std::string_view bounds = option.substr(kRange.size());
      std::size_t dash = bounds.find('-');
      auto malformed = [&] {
        return Status::Directory("malformed range option in attribute description '" +
                                 std::string(description) + "'");
      };
      if (dash == std::string_view::npos) return malformed();
      std::optional<std::uint32_t> low = ParseNumber(bounds.substr(0, dash));
      if (!low) return malformed();
      AttributeRange range{*low, std::nullopt};
      std::string_view high = bounds.substr(dash + 1);
      if (high != "*") {
        range.high = ParseNumber(high);
        if (!range.high || *range.high < *low) return malformed();
      }
      return std::optional<AttributeRange>(range);
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return std::optional<AttributeRange>();
}

std::string RangeRequest(std::string_view type, std::uint32_t low) {
  std::string out(type);
  out += ";range=";
  out += std::to_string(low);
  out += "-*";
  return out;
}

}  // namespace pmbridge
