// RFC 4533 syncUUIDs: the Sync State control and the syncIdSet message name entries by the
// 16 raw bytes of their entryUUID, which the directory itself shows as text.
#pragma once

#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// `bytes` as the text slapd returns for the entryUUID attribute (RFC 4122 form):
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case hex in byte order, so that an anchor
// read from the attribute and one received as a syncUUID are equal. kDirectory unless
// `bytes` is exactly 16 bytes long.
Result<std::string> FormatSyncUuid(std::string_view bytes);

}  // namespace pmbridge
