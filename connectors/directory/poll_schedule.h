// When a polling change follower (uSNChanged, DirSync) next asks the directory what
// changed: every `poll_interval`, measured on the steady clock from the start of the last
// poll. Between polls the daemon waits here, woken early by its wake-up descriptor.
#pragma once

#include <chrono>

namespace pmbridge {

class PollSchedule {
 public:
  using Steady = std::chrono::steady_clock;

  explicit PollSchedule(std::chrono::milliseconds interval) : interval_(interval) {}

  // Due at once: the first poll after a (re)start does not wait.
  void Reset() { next_ = Steady::time_point::min(); }
  // A poll started at `at`: the next one is due an interval later.
  void Polled(Steady::time_point at) { next_ = at + interval_; }
  // Makes the next poll due at once (the last one stopped short of the server's state).
  void DueNow() { next_ = Steady::time_point::min(); }
  bool Due(Steady::time_point now) const { return now >= next_; }

  // Waits until the next poll is due, `timeout` has passed or `wake_fd` (>= 0) is readable,
  // whichever comes first; returns at once when the poll is already due. A signal ends the
  // wait early, like a wake-up. True when the poll is due on return.
  bool Wait(std::chrono::milliseconds timeout, int wake_fd) const;

 private:
  std::chrono::milliseconds interval_;
  Steady::time_point next_ = Steady::time_point::min();
};

}  // namespace pmbridge
