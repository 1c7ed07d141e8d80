// The daemon latency benchmark (issue 4; tests/bench/run.sh daemon-latency sets up the
// servers and the daemon, then runs this twice or more against the same slapd).
//
//   daemon_latency notification --url URL --prefix P --count N [options]
//       Deletes P-00001 .. P-<N> from ou=people one at a time, as the rootdn, and times each
//       from just before the delete request is sent to the delete notification on a bare
//       refreshAndPersist consumer (tests/bench/delete_notifications.h).
//   daemon_latency disable --url URL --backend sqlite3|postgresql --db CONNECT --label NAME
//                          --admin-port PORT --prefix P --count N [options]
//       The same removals while `pmbridge run` follows the directory into that database:
//       each is timed until pm_users.active = 0 is seen on a separate read connection, and
//       the next removal waits until then, so each is its own change. The bare consumer runs
//       alongside, splitting the time into the directory's share and the daemon's. Ends with
//       the daemon's own histogram from GET /metrics as a cross-check.
//
// Options: --gap-ms MS (pause after each removal is seen through; default 10),
// --poll-us US (database poll interval; default 200), --report FILE (append the summary
// rows), --samples FILE (append one CSV line per removal).
//
// Prints figures, never judges them: no exit status depends on a timing.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/bench/account_activity.h"
#include "tests/bench/delete_notifications.h"
#include "tests/bench/latency_summary.h"
#include "tests/bench/ldap_admin.h"
#include "tests/bench/removal_histogram.h"

namespace pmbridge::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kGiveUp{10000};  // a removal not through by then is a failure
constexpr double kTargetP99Ms = 50;     // DESIGN.md, "Performance targets"

struct Options {
  std::map<std::string, std::string> values;

  std::string Get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) throw std::runtime_error("missing --" + name);
    return it->second;
  }
  std::string Get(const std::string& name, const std::string& fallback) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  int Int(const std::string& name, int fallback) const {
    return std::stoi(Get(name, std::to_string(fallback)));
  }
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 2; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
      throw std::runtime_error("expected --name value pairs, got '" + key + "'");
    }
    o.values[key.substr(2)] = argv[i + 1];
  }
  return o;
}

// The uids tests/bench/clinic_staff_ldif.sh writes: P-00001 .. P-<count>.
std::string Uid(const std::string& prefix, int i) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%05d", i);
  return prefix + "-" + digits;
}

// Appends to the report and sample files, and echoes the rows.
class Output {
 public:
  explicit Output(const Options& o) {
    if (const std::string path = o.Get("report", ""); !path.empty()) {
      report_.open(path, std::ios::app);
    }
    if (const std::string path = o.Get("samples", ""); !path.empty()) {
      samples_.open(path, std::ios::app);
    }
  }
  void Row(const std::string& line) {
    std::cout << line << "\n" << std::flush;
    if (report_) report_ << line << "\n" << std::flush;
  }
  // One CSV line: phase, uid, when it was removed (UTC, for finding it in the daemon's
  // log), removal -> notification and removal -> disable in ms.
  void Sample(const std::string& phase, const std::string& uid,
              std::chrono::system_clock::time_point removed_at, double to_notification_ms,
              std::optional<double> to_disable_ms) {
    if (!samples_) return;
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(removed_at.time_since_epoch())
            .count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char at[40];
    std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &utc);
    samples_ << phase << "," << uid << "," << at << "." << std::setw(3) << std::setfill('0')
             << ms % 1000 << "Z," << to_notification_ms << ",";
    if (to_disable_ms) samples_ << *to_disable_ms;
    samples_ << "\n";
  }

 private:
  std::ofstream report_;
  std::ofstream samples_;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

Clock::time_point Notified(DeleteNotifications& watch, const std::string& dn) {
  std::optional<Clock::time_point> at = watch.WaitFor(dn, kGiveUp);
  if (!at) {
    const std::string why = watch.error();
    throw std::runtime_error("no delete notification for " + dn + " within 10 s" +
                             (why.empty() ? "" : ": " + why));
  }
  return *at;
}

int Notification(const Options& o) {
  const std::string url = o.Get("url");
  const std::string prefix = o.Get("prefix");
  const int count = o.Int("count", 200);
  const milliseconds gap(o.Int("gap-ms", 10));
  Output out(o);

  DeleteNotifications watch(url, kServiceDn, kServicePassword, kPeopleBase);
  LdapSession admin = Bind(url, kRootDn, kRootPassword);
  LatencySummary latency;
  for (int i = 1; i <= count; ++i) {
    const std::string uid = Uid(prefix, i);
    const std::string dn = PersonDn(uid);
    const auto removed_at = std::chrono::system_clock::now();
    const Clock::time_point sent = Clock::now();
    DeleteEntry(admin.get(), dn);
    const Clock::time_point notified = Notified(watch, dn);
    latency.Add(notified - sent);
    out.Sample("raw", uid, removed_at, Ms(notified - sent), std::nullopt);
    std::this_thread::sleep_for(gap);
  }
  out.Row(latency.Row("removal -> notification (raw syncrepl)"));
  return 0;
}

int Disable(const Options& o) {
  const std::string url = o.Get("url");
  const std::string backend = o.Get("backend");
  const std::string label = o.Get("label");
  const std::string prefix = o.Get("prefix");
  const int count = o.Int("count", 200);
  const int admin_port = o.Int("admin-port", 0);
  const milliseconds gap(o.Int("gap-ms", 10));
  const std::chrono::microseconds poll(o.Int("poll-us", 200));
  Output out(o);

  AccountActivity accounts(backend, o.Get("db"));
  for (int i = 1; i <= count; ++i) {
    if (accounts.Active(Uid(prefix, i)) != std::optional<bool>(true)) {
      throw std::runtime_error("account " + Uid(prefix, i) +
                               " is not active before its removal: did the daemon's first "
                               "reconcile finish?");
    }
  }
  const RemovalHistogram before = ScrapeRemovalHistogram(admin_port);

  DeleteNotifications watch(url, kServiceDn, kServicePassword, kPeopleBase);
  LdapSession admin = Bind(url, kRootDn, kRootPassword);
  LatencySummary to_disable;
  LatencySummary to_notification;
  LatencySummary notification_to_disable;
  for (int i = 1; i <= count; ++i) {
    const std::string uid = Uid(prefix, i);
    const std::string dn = PersonDn(uid);
    const auto removed_at = std::chrono::system_clock::now();
    const Clock::time_point sent = Clock::now();
    DeleteEntry(admin.get(), dn);
    const std::optional<Clock::time_point> disabled =
        accounts.WaitDisabled(uid, poll, sent + kGiveUp);
    if (!disabled) {
      throw std::runtime_error("the daemon did not disable " + uid + " within 10 s of its removal");
    }
    const Clock::time_point notified = Notified(watch, dn);
    to_disable.Add(*disabled - sent);
    to_notification.Add(notified - sent);
    // Can come out negative by a poll interval or so: the consumer's thread may be
    // scheduled after the daemon committed.
    notification_to_disable.Add(*disabled - notified);
    out.Sample(label, uid, removed_at, Ms(notified - sent), Ms(*disabled - sent));
    std::this_thread::sleep_for(gap);
  }

  char target[64];
  std::snprintf(target, sizeof target, "  target p99 < %.0f ms (%s)", kTargetP99Ms,
                to_disable.Percentile(99) < kTargetP99Ms ? "met" : "missed");
  out.Row(to_disable.Row("removal -> committed disable (" + label + ")") + target);
  out.Row(to_notification.Row("  removal -> notification, raw consumer beside"));
  out.Row(notification_to_disable.Row("  notification -> disable seen (daemon's share)"));
  const RemovalHistogram daemon = ScrapeRemovalHistogram(admin_port).Since(before);
  char line[320];
  std::snprintf(line, sizeof line,
                "  daemon's own pmbridge_removal_to_disable_seconds: count %.0f  sum %.4f s"
                "  mean %.2f ms  p50 <= %s s  p99 <= %s s  max <= %s s",
                daemon.count, daemon.sum_seconds,
                daemon.count > 0 ? daemon.sum_seconds / daemon.count * 1000 : 0.0,
                daemon.BoundOfPercentile(50).c_str(), daemon.BoundOfPercentile(99).c_str(),
                daemon.BoundOfPercentile(100).c_str());
  out.Row(line);
  return 0;
}

}  // namespace
}  // namespace pmbridge::bench

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const pmbridge::bench::Options options = pmbridge::bench::Parse(argc, argv);
    if (command == "notification") return pmbridge::bench::Notification(options);
    if (command == "disable") return pmbridge::bench::Disable(options);
    std::cerr << "usage: daemon_latency notification|disable --name value ... (see the "
                 "comment at the top of tests/bench/daemon_latency.cc)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "daemon_latency " << command << ": " << e.what() << "\n";
    return 1;
  }
}
