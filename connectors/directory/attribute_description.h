// Attribute descriptions as servers return them: a type name and ';'-separated options,
// e.g. "member;range=1500-2999". Names compare case-insensitively (RFC 4512).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// True when `a` and `b` are the same attribute description, ignoring ASCII case.
bool SameAttribute(std::string_view a, std::string_view b);

// The type name of `description`: everything before the first ';'.
std::string_view AttributeType(std::string_view description);

// The "range=LOW-HIGH" option Active Directory puts on a multi-valued attribute it returns
// in slices (ranged retrieval, MS-ADTS 3.1.1.3.1.3.3): "member;range=0-1499" holds values
// 0..1499 and more must be fetched; "member;range=1500-*" is the last slice.
struct AttributeRange {
  std::uint32_t low = 0;
  std::optional<std::uint32_t> high;  // nullopt for '*': this slice is the last one

  bool is_last() const { return !high.has_value(); }
  bool operator==(const AttributeRange&) const = default;
};

// The range option of `description`, or nullopt when it has none. A malformed range option
// ("range=5", "range=9-3", "range=a-*") is kDirectory: a slice we cannot place would make
// the read incomplete.
Result<std::optional<AttributeRange>> ParseAttributeRange(std::string_view description);

// The description that asks for the slice starting at `low`: "<type>;range=<low>-*".
std::string RangeRequest(std::string_view type, std::uint32_t low);

}  // namespace pmbridge
