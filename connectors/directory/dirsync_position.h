// Where a DirSync follower stands: the server's DirSync cookie (opaque bytes), kept as text
// in pmbridge_state so it commits with the changes it led to: "dirsync:<base64 cookie>".
#pragma once

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// The text form of a (non-empty) cookie.
std::string FormatDirsyncPosition(std::string_view cookie);

// The cookie of `text`; "" for "", the position before anything was read. Anything but
// "dirsync:" followed by a non-empty canonical base64 cookie is kInvalidInput: the caller
// then starts from nothing.
Result<std::string> ParseDirsyncPosition(std::string_view text);

}  // namespace pmbridge
