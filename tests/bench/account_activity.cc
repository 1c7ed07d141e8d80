#include "tests/bench/account_activity.h"

#include <thread>

namespace pmbridge::bench {

AccountActivity::AccountActivity(const std::string& backend, const std::string& connect)
    : sql_(backend, connect) {
  // A WAL reader can still meet a moment of exclusive locking (a checkpoint restarting the
  // log); wait it out rather than fail the run.
  if (backend == "sqlite3") sql_ << "PRAGMA busy_timeout = 10000";
}

std::optional<bool> AccountActivity::Active(const std::string& login) {
  // A one-off statement each time: a prepared SQLite statement left unfinished after one
  // row would keep its read snapshot, and the next read would not see newer commits.
  int active = 0;
  soci::indicator ind = soci::i_null;
  std::string key = login;
  soci::statement st = (sql_.prepare << "SELECT active FROM pm_users WHERE login_id = :login",
                        soci::into(active, ind), soci::use(key));
  if (!st.execute(true) || ind != soci::i_ok) return std::nullopt;
  return active != 0;
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
