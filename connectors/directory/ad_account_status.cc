#include "connectors/directory/ad_account_status.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

namespace pmbridge {
namespace {

// FILETIME ticks between 1601-01-01 and the Unix epoch.
constexpr std::int64_t kUnixEpochTicks = 116444736000000000;
constexpr std::int64_t kTicksPerSecond = 10000000;
constexpr std::int64_t kAccountDisable = 0x2;

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// "2025-05-31T00:00:00.000Z", like FormatTimestamp, for any FILETIME: system_clock's
// nanosecond time_point cannot hold dates before 1678, and accountExpires may be 1601.
std::string FormatFileTime(std::int64_t ticks) {
  const std::int64_t since_epoch = ticks - kUnixEpochTicks;
  std::int64_t seconds = since_epoch / kTicksPerSecond;
  std::int64_t rest = since_epoch % kTicksPerSecond;
  if (rest < 0) {
    --seconds;
    rest += kTicksPerSecond;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(rest / 10000));
  return out;
}

}  // namespace

std::optional<std::int64_t> AccountExpiryTicks(std::int64_t account_expires) {
  if (account_expires == 0 || account_expires == std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return account_expires;
}

std::int64_t ToFileTimeTicks(std::chrono::system_clock::time_point t) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return kUnixEpochTicks + micros * 10;
}

Result<std::string> ActiveDirectoryDisabledReason(
    std::optional<std::string_view> user_account_control,
    std::optional<std::string_view> account_expires, std::chrono::system_clock::time_point now) {
  if (user_account_control) {
    std::optional<std::int64_t> flags = ParseInteger(*user_account_control);
    if (!flags) {
      return Status::Directory("userAccountControl value '" + std::string(*user_account_control) +
                               "' is not an integer");
    }
    if ((*flags & kAccountDisable) != 0) {
      return std::string("disabled in the directory (userAccountControl ACCOUNTDISABLE)");
    }
  }
  if (account_expires) {
    std::optional<std::int64_t> value = ParseInteger(*account_expires);
    if (!value || *value < 0) {
      return Status::Directory("accountExpires value '" + std::string(*account_expires) +
                               "' is not a FILETIME");
    }
    std::optional<std::int64_t> expiry = AccountExpiryTicks(*value);
    if (expiry && *expiry <= ToFileTimeTicks(now)) {
      return "expired in the directory (accountExpires " + FormatFileTime(*expiry) + ")";
    }
  }
  return std::string();
}

std::optional<std::chrono::system_clock::time_point> ActiveDirectoryExpiry(
    std::optional<std::string_view> user_account_control,
    std::optional<std::string_view> account_expires, std::chrono::system_clock::time_point now) {
  if (!account_expires) return std::nullopt;
  Result<std::string> reason =
      ActiveDirectoryDisabledReason(user_account_control, account_expires, now);
  if (!reason.ok() || !reason->empty()) return std::nullopt;
  std::optional<std::int64_t> expiry = AccountExpiryTicks(*ParseInteger(*account_expires));
  // Beyond what system_clock holds (year 2262) is never, for practical purposes.
  constexpr std::int64_t kMaxTicks =
      kUnixEpochTicks + std::numeric_limits<std::int64_t>::max() / 1000 * 10 - 1;
  if (!expiry || *expiry >= kMaxTicks) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds((*expiry - kUnixEpochTicks) / 10));
}

}  // namespace pmbridge
