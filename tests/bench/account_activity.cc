#include "tests/bench/account_activity.h"

#include <thread>

namespace pmbridge::bench {

AccountActivity::AccountActivity(const std::string& backend, const std::string& connect)
    : sql_(backend, connect),
      query_((sql_.prepare << "SELECT active FROM pm_users WHERE login_id = :login",
              soci::into(active_, indicator_), soci::use(login_))) {
  // A WAL reader can still meet a moment of exclusive locking (a checkpoint restarting the
  // log); wait it out rather than fail the run.
  if (backend == "sqlite3") sql_ << "PRAGMA busy_timeout = 10000";
}

std::optional<bool> AccountActivity::Active(const std::string& login) {
  login_ = login;
  indicator_ = soci::i_null;
  if (!query_.execute(true)) return std::nullopt;
  const bool active = indicator_ == soci::i_ok && active_ != 0;
  const bool found = indicator_ == soci::i_ok;
  // Step past the only row: a SQLite statement left on its row keeps its read transaction
  // (and snapshot) open until the next read. login_id is unique, so this finds nothing.
  while (query_.fetch()) {
  }
  if (!found) return std::nullopt;
  return active;
}

std::optional<AccountActivity::Clock::time_point> AccountActivity::WaitDisabled(
    const std::string& login, std::chrono::microseconds interval, Clock::time_point deadline) {
  for (;;) {
    const std::optional<bool> active = Active(login);
    const Clock::time_point seen = Clock::now();
    if (active.has_value() && !*active) return seen;
    if (seen >= deadline) return std::nullopt;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace pmbridge::bench
