#include "connectors/directory/dirsync_position.h"

#include <optional>

#include "connectors/directory/base64.h"

namespace pmbridge {
namespace {

constexpr std::string_view kPrefix = "dirsync:";

}  // namespace

std::string FormatDirsyncPosition(std::string_view cookie) {
  return std::string(kPrefix) + EncodeBase64(cookie);
}

Result<std::string> ParseDirsyncPosition(std::string_view text) {
  if (text.empty()) return std::string();
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return Status::InvalidInput(
        "the stored sync position is not a DirSync position (it does not start with "
        "'dirsync:'; change_detection may have changed)");
  }
  std::optional<std::string> cookie = DecodeBase64(text.substr(kPrefix.size()));
  if (!cookie || cookie->empty()) {
    return Status::InvalidInput("the stored DirSync position does not hold a base64 cookie");
  }
  return std::move(*cookie);
}

}  // namespace pmbridge
