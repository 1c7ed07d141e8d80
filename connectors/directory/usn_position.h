// Where a uSNChanged follower stands: the DC it polls (its invocationId) and the highest
// USN of that DC whose changes were all handed out. USNs count changes on one DC's
// database only, so the pair travels together as one opaque string (pmbridge_state):
// "usn:<invocationId>:<USN>", e.g. "usn:3d6e9020-373d-48f8-8382-7d5584fb49c0:3936".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

struct UsnPosition {
  std::string invocation_id;  // FormatObjectGuid text, lower-case
  std::uint64_t usn = 0;

  bool operator==(const UsnPosition&) const = default;
};

// kInvalidInput for anything but "usn:", a lower-case canonical GUID, ':' and a decimal
// USN (the caller then reads the whole directory again).
Result<UsnPosition> ParseUsnPosition(std::string_view text);

std::string FormatUsnPosition(const UsnPosition& position);

}  // namespace pmbridge
