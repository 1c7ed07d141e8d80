// Time is passed in, not read from the clock, so tests control it.
#pragma once

#include <chrono>
#include <string>

namespace pmbridge {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// "2026-11-23T08:50:51.123Z" (UTC, milliseconds).
std::string FormatTimestamp(std::chrono::system_clock::time_point t);

}  // namespace pmbridge
