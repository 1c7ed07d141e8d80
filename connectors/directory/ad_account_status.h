// Active Directory's own verdict on whether an account may log in: the ACCOUNTDISABLE bit
// of userAccountControl and the accountExpires date. Entitlement (DESIGN.md rule 2) treats
// either as "not entitled".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/status.h"

namespace pmbridge {

// The attributes this needs; request them along with the mapped ones.
inline constexpr std::string_view kUserAccountControlAttribute = "userAccountControl";
inline constexpr std::string_view kAccountExpiresAttribute = "accountExpires";

// When an accountExpires value (a Windows FILETIME: 100-ns ticks since 1601-01-01 UTC)
// expires the account, as ticks; nullopt for the two "never" values, 0 and
// 0x7FFFFFFFFFFFFFFF.
std::optional<std::int64_t> AccountExpiryTicks(std::int64_t account_expires);

// `t` as a FILETIME tick count.
std::int64_t ToFileTimeTicks(std::chrono::system_clock::time_point t);

// Why the directory says this account may not log in at `now`, or "" when it may. Each
// argument is the attribute's value, nullopt when the entry has none. A value that is not
// a decimal integer is kDirectory (we cannot tell whether the account is disabled).
Result<std::string> ActiveDirectoryDisabledReason(
    std::optional<std::string_view> user_account_control,
    std::optional<std::string_view> account_expires, std::chrono::system_clock::time_point now);

// When a future accountExpires takes the account away: the moment ActiveDirectoryDisabledReason
// starts giving a reason. nullopt when the account never expires, has already expired, is
// disabled anyway, or a value cannot be parsed (ActiveDirectoryDisabledReason reports that).
std::optional<std::chrono::system_clock::time_point> ActiveDirectoryExpiry(
    std::optional<std::string_view> user_account_control,
    std::optional<std::string_view> account_expires, std::chrono::system_clock::time_point now);

}  // namespace pmbridge
