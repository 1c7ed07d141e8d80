#include "connectors/directory/sync_uuid.h"

namespace pmbridge {

Result<std::string> FormatSyncUuid(std::string_view bytes) {
  if (bytes.size() != 16) {
    return Status::Directory("syncUUID is " + std::to_string(bytes.size()) +
                             " bytes long, expected 16");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

}  // namespace pmbridge
