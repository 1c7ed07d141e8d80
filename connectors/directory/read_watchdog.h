// Bounds a libldap call that waits for the server without a limit of its own. libldap 2.5's
// ldap_sync_init loops on ldap_result in 100 ms steps until the refresh is done and never
// gives up: a server that stops answering mid-refresh (stalled, or a network path that
// drops packets silently) would block it forever. The watchdog watches for progress from
// another thread and, when there is none for `limit`, shuts the socket down, so the call
// reads end-of-stream and fails as "server down".
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pmbridge {

class ReadWatchdog {
 public:
  // Starts watching `fd` (not owned; it must stay open while the watchdog lives).
  ReadWatchdog(int fd, std::chrono::milliseconds limit);
  // Stops watching (joins the thread). Does not touch the socket.
  ~ReadWatchdog();
  ReadWatchdog(const ReadWatchdog&) = delete;
  ReadWatchdog& operator=(const ReadWatchdog&) = delete;

  // The watched call made progress (a message arrived); cheap, any thread.
  void Progress() { progress_.fetch_add(1, std::memory_order_relaxed); }

  // True when the watchdog shut the socket down.
  bool fired() const { return fired_.load(); }

 private:
  void Watch();

  const int fd_;
  const std::chrono::milliseconds limit_;
  std::atomic<std::uint64_t> progress_{0};
  std::atomic<bool> fired_{false};
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace pmbridge
