#include "bridge/account_expiry.h"

#include "bridge/clock.h"

namespace pmbridge {

std::string AccountExpiredReason(std::chrono::system_clock::time_point expiry) {
  return "expired in the directory (accountExpires " + FormatTimestamp(expiry) + ")";
}

}  // namespace pmbridge
