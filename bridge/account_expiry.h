// An account expiry the directory set (Active Directory accountExpires) passing while the
// daemon runs: nothing in the directory changes at that moment, so the bridge itself says
// why the person is no longer entitled, in the words the directory read would use.
#pragma once

#include <chrono>
#include <string>

namespace pmbridge {

// "expired in the directory (accountExpires 2025-05-31T00:00:00.000Z)", as
// connectors/directory/ad_account_status.h gives it for a read after `expiry`.
std::string AccountExpiredReason(std::chrono::system_clock::time_point expiry);

}  // namespace pmbridge
