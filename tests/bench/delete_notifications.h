// A bare RFC 4533 refreshAndPersist consumer: the yardstick the daemon is measured against.
// One search with the sync request control on its own connection and thread; for each entry
// the server reports deleted it notes when the notification arrived, and does nothing else,
// so what it measures is slapd's syncprov plus libldap, without any of the bridge's work.
#pragma once

#include <ldap.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "tests/bench/ldap_admin.h"

namespace pmbridge::bench {

class DeleteNotifications {
 public:
  using Clock = std::chrono::steady_clock;

  // Binds to `url` as `bind_dn`, starts refreshAndPersist on the subtree `base_dn` and returns
  // once the refresh phase is over, so every later delete arrives as a persist-phase
  // notification. Throws std::runtime_error.
  DeleteNotifications(const std::string& url, const std::string& bind_dn,
                      const std::string& password, const std::string& base_dn);
  // Stops the reading thread, abandons the search and unbinds.
  ~DeleteNotifications();
  DeleteNotifications(const DeleteNotifications&) = delete;
  DeleteNotifications& operator=(const DeleteNotifications&) = delete;

  // When the delete notification for `dn` (compared ignoring case) arrived: waits up to
  // `timeout` for it; nullopt if it did not come or the search failed (see error()).
  std::optional<Clock::time_point> WaitFor(const std::string& dn,
                                           std::chrono::milliseconds timeout);

  // Why the search stopped, or "" while it runs.
  std::string error();

 private:
  void Read();
  void Fail(const std::string& why);

  LdapSession ld_;
  int msgid_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool refreshed_ = false;
  std::string error_;
  std::unordered_map<std::string, Clock::time_point> deleted_;  // lower-case DN -> arrival
  std::thread reader_;  // last: starts once everything above exists
};

}  // namespace pmbridge::bench
