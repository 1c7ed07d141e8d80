// Watches pm_users.active from outside the daemon, on the benchmark's own read connection:
// an account seen disabled here has been committed, whatever the daemon believes.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <string>

namespace pmbridge::bench {

class AccountActivity {
 public:
  using Clock = std::chrono::steady_clock;

  // `backend` is "sqlite3" or "postgresql", `connect` SOCI's key=value form. SQLite is read
  // beside the daemon's writer: the daemon puts the file in WAL mode, so reads never wait
  // for its transactions. Throws what SOCI throws.
  AccountActivity(const std::string& backend, const std::string& connect);

  // pm_users.active of `login`; nullopt when there is no such account.
  std::optional<bool> Active(const std::string& login);

  // Reads Active(login) every `interval` until the account is disabled: when that was first
  // seen, or nullopt when `deadline` passed first.
  std::optional<Clock::time_point> WaitDisabled(const std::string& login,
                                                std::chrono::microseconds interval,
                                                Clock::time_point deadline);

 private:
  soci::session sql_;
  // The query, prepared once: on PostgreSQL each read is then one round trip, so polling
  // every few hundred microseconds takes as little CPU as it can from the daemon and its
  // server on the same cores.
  std::string login_;
  int active_ = 0;
  soci::indicator indicator_ = soci::i_null;
  soci::statement query_;
};

}  // namespace pmbridge::bench
