#include "connectors/directory/anchor.h"

#include <array>
#include <cstddef>

#include "connectors/directory/attribute_description.h"

namespace pmbridge {

bool IsBinaryGuidAttribute(std::string_view attribute) {
  return SameAttribute(attribute, "objectGUID");
}

Result<std::string> FormatObjectGuid(std::string_view bytes) {
  if (bytes.size() != 16) {
    return Status::Directory("objectGUID value is " + std::to_string(bytes.size()) +
                             " bytes long, expected 16");
  }
  // Byte order of the text form: Data1 (4 bytes), Data2 and Data3 (2 each) are stored
  // little-endian; Data4 (8 bytes) is a byte array.
  static constexpr std::array<std::size_t, 16> kOrder = {3, 2, 1,  0,  5,  4,  7,  6,
                                                         8, 9, 10, 11, 12, 13, 14, 15};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto byte = static_cast<unsigned char>(bytes[kOrder[i]]);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

Result<std::string> AnchorFromValue(std::string_view attribute, std::string_view value) {
  if (value.empty()) return Status::Directory("empty " + std::string(attribute) + " value");
  if (IsBinaryGuidAttribute(attribute)) return FormatObjectGuid(value);
  return std::string(value);
}

}  // namespace pmbridge
