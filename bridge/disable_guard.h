// Safety rule 6 for the daemon: the mass-disable guard over a sliding window. Disables
// applied in the last `window` are counted; a batch that would take the count past the
// limit is held as a whole (not applied, an alarm raised) while everything else flows. A
// held batch does not count, so one person leaving afterwards is still applied at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace pmbridge {

class DisableGuard {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit DisableGuard(std::chrono::seconds window) : window_(window) {}

  void set_window(std::chrono::seconds window) { window_ = window; }
  std::chrono::seconds window() const { return window_; }

  // Whether `count` disables may be applied at `now` when `limit` are allowed per window
  // (limit >= 1). Admitted disables are counted from `now`.
  bool Admit(std::size_t count, int limit, TimePoint now);

  // Disables applied within the window ending at `now`.
  std::size_t InWindow(TimePoint now);

 private:
  std::chrono::seconds window_;
  std::deque<TimePoint> applied_;  // one entry per admitted disable, oldest first
};

}  // namespace pmbridge
