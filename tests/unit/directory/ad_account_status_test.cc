#include "connectors/directory/ad_account_status.h"

#include "bridge/account_expiry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pmbridge {
namespace {

using std::chrono::system_clock;

// 2025-06-01T00:00:00Z.
const system_clock::time_point kNow = system_clock::from_time_t(1748736000);

std::string Ticks(system_clock::time_point t) { return std::to_string(ToFileTimeTicks(t)); }

std::string Reason(std::optional<std::string_view> uac, std::optional<std::string_view> expires) {
  Result<std::string> reason = ActiveDirectoryDisabledReason(uac, expires, kNow);
  EXPECT_TRUE(reason.ok()) << reason.status().ToString();
  return reason.ok() ? *reason : "<error>";
}

TEST(ToFileTimeTicksTest, CountsHundredNanosecondsSince1601) {
  EXPECT_EQ(ToFileTimeTicks(system_clock::from_time_t(0)), 116444736000000000);
  // 2025-06-01T00:00:00Z, as PowerShell's [DateTime]::ToFileTimeUtc() gives it.
  EXPECT_EQ(ToFileTimeTicks(kNow), 133932096000000000);
}

TEST(ActiveDirectoryDisabledReasonTest, NormalAccountIsNotDisabled) {
  EXPECT_EQ(Reason("512", "0"), "");                      // NORMAL_ACCOUNT, never expires
  EXPECT_EQ(Reason("66048", "9223372036854775807"), "");  // + DONT_EXPIRE_PASSWORD
  EXPECT_EQ(Reason(std::nullopt, std::nullopt), "");
}

TEST(ActiveDirectoryDisabledReasonTest, AccountDisableBit) {
  EXPECT_EQ(Reason("514", "0"), "disabled in the directory (userAccountControl ACCOUNTDISABLE)");
  EXPECT_EQ(Reason("2", std::nullopt),
            "disabled in the directory (userAccountControl ACCOUNTDISABLE)");
}

TEST(ActiveDirectoryDisabledReasonTest, ExpiryInThePast) {
  const std::string yesterday = Ticks(kNow - std::chrono::hours(24));
  EXPECT_EQ(Reason("512", yesterday),
            "expired in the directory (accountExpires 2025-05-31T00:00:00.000Z)");
  EXPECT_EQ(Reason("512", Ticks(kNow)),
            "expired in the directory (accountExpires 2025-06-01T00:00:00.000Z)");
  EXPECT_EQ(Reason(std::nullopt, "1"),
            "expired in the directory (accountExpires 1601-01-01T00:00:00.000Z)");
}

TEST(ActiveDirectoryDisabledReasonTest, ExpiryInTheFutureIsNotYetDisabled) {
  EXPECT_EQ(Reason("512", Ticks(kNow + std::chrono::seconds(1))), "");
  EXPECT_EQ(Reason("512", "9223372036854775806"), "");  // year 30828
}

TEST(ActiveDirectoryDisabledReasonTest, DisabledWinsOverExpired) {
  EXPECT_EQ(Reason("514", "1"), "disabled in the directory (userAccountControl ACCOUNTDISABLE)");
}

TEST(ActiveDirectoryDisabledReasonTest, MalformedValuesAreErrors) {
  for (auto [uac, expires] : {std::pair<const char*, const char*>{"abc", "0"},
                              {"", "0"},
                              {"512", "soon"},
                              {"512", "-5"},
                              {"512", "99999999999999999999"}}) {
    Result<std::string> reason = ActiveDirectoryDisabledReason(uac, expires, kNow);
    ASSERT_FALSE(reason.ok()) << uac << " " << expires;
    EXPECT_EQ(reason.status().code(), ErrorCode::kDirectory);
  }
}

TEST(ActiveDirectoryExpiryTest, AFutureExpiryIsWhenTheReasonStarts) {
  const system_clock::time_point at = kNow + std::chrono::hours(36);
  std::optional<system_clock::time_point> expiry = ActiveDirectoryExpiry("512", Ticks(at), kNow);
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(*expiry, at);
  // The daemon's own wording at that moment is what a directory read would give then.
  Result<std::string> then = ActiveDirectoryDisabledReason("512", Ticks(at), at);
  ASSERT_TRUE(then.ok());
  EXPECT_EQ(AccountExpiredReason(*expiry), *then);
}

TEST(ActiveDirectoryExpiryTest, NoneWhenNeverExpiringExpiredDisabledOrUnreadable) {
  EXPECT_FALSE(ActiveDirectoryExpiry("512", "0", kNow));
  EXPECT_FALSE(ActiveDirectoryExpiry("512", "9223372036854775807", kNow));
  EXPECT_FALSE(ActiveDirectoryExpiry("512", "9223372036854775806", kNow));  // past 2262
  EXPECT_FALSE(ActiveDirectoryExpiry("512", Ticks(kNow - std::chrono::hours(1)), kNow));
  EXPECT_FALSE(ActiveDirectoryExpiry("514", Ticks(kNow + std::chrono::hours(1)), kNow));
  EXPECT_FALSE(ActiveDirectoryExpiry("512", std::nullopt, kNow));
  EXPECT_FALSE(ActiveDirectoryExpiry("512", "soon", kNow));
}

}  // namespace
}  // namespace pmbridge
