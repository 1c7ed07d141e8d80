// The exception boundary of the database connector: SOCI, libpq and the standard library
// throw; the engine gets a Status.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "bridge/status.h"

namespace pmbridge {

// Status::Database("<what>: <exception message>") for the exception in flight. Any
// `password=` value of `connect_string` found in the message is replaced by "***".
Status DatabaseErrorFromException(std::string_view what, std::string_view connect_string,
                                  std::exception_ptr error);

// Runs `body` (returning Status) and turns any exception it throws into a Status.
template <typename F>
Status GuardDatabase(std::string_view what, std::string_view connect_string, F&& body) {
  try {
    return std::forward<F>(body)();
  } catch (...) {
    return DatabaseErrorFromException(what, connect_string, std::current_exception());
  }
}

// The value of `key` in a SOCI / libpq key=value connect string ("" when absent). Handles
// single-quoted values with backslash escapes, as libpq does.
std::string ConnectStringValue(std::string_view connect_string, std::string_view key);

}  // namespace pmbridge
