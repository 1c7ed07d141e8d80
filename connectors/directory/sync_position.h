// Where a syncrepl follower stands: the RFC 4533 cookie of each of its two sessions, kept
// together as one opaque string (pmbridge_state) so both commit with the changes they led
// to. The form is a small JSON object: {"groups": "<cookie>", "users": "<cookie>"}.
#pragma once

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

struct SyncPosition {
  std::string users_cookie;   // empty: refresh the users from nothing
  std::string groups_cookie;  // empty: refresh the groups from nothing

  bool operator==(const SyncPosition&) const = default;
};

// "" is the position before anything was read (both cookies empty). Anything but a JSON
// object whose only members are the strings "users" and "groups" (either may be missing)
// is kInvalidInput: the caller then starts from nothing.
Result<SyncPosition> ParseSyncPosition(std::string_view text);

// The text form of `position`. kDirectory when a cookie is not valid UTF-8 (slapd's cookies
// are ASCII; another server's binary cookie cannot be stored as text).
Result<std::string> FormatSyncPosition(const SyncPosition& position);

}  // namespace pmbridge
