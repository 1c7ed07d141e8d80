#include "connectors/directory/read_watchdog.h"

#include <sys/socket.h>

namespace pmbridge {

ReadWatchdog::ReadWatchdog(int fd, std::chrono::milliseconds limit)
    : fd_(fd), limit_(limit), thread_([this] { Watch(); }) {}

ReadWatchdog::~ReadWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stop_requested_.notify_one();
  thread_.join();
}

void ReadWatchdog::Watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::uint64_t seen = progress_.load(std::memory_order_relaxed);
  for (;;) {
    if (stop_requested_.wait_for(lock, limit_, [this] { return stop_; })) return;
    const std::uint64_t now = progress_.load(std::memory_order_relaxed);
    if (now == seen) {
      fired_.store(true);
      // shutdown, not close: the descriptor stays libldap's, only the stream ends.
      ::shutdown(fd_, SHUT_RDWR);
      return;
    }
    seen = now;
  }
}

}  // namespace pmbridge
