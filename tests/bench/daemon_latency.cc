// The daemon latency benchmark (issue 4; tests/bench/run.sh daemon-latency sets up the
// servers and the daemon, then runs this twice or more against the same slapd), and its
// Active Directory counterpart (issue 6; run.sh ad-latency, against a Samba DC).
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
//   daemon_latency dirsync --flavor active_directory --url URL --admin-dn DN
//                          --admin-password PW --people-base DN --naming-context DN
//                          --prefix P --count N [options]
//       Deletes P-00001 .. P-<N> one at a time and, at once after each, runs a bare DirSync
//       poll (tests/bench/dirsync_poll.h) until the deletion shows: the delete's own round
//       trip, what one poll costs with the deletion in it and with nothing changed, and
//       removal -> seen when polling costs no wait. Active Directory has no push.
//
// --flavor active_directory (default openldap) makes `disable` work on Active Directory:
// the people are CN=P-nnnnn,<--people-base>, deleted as --admin-dn, and no bare consumer
// runs beside (there is no syncrepl to consume); --poll-interval-ms MS is then printed with
// the figures, since the daemon polls and a removal waits for the next poll.
//
// Options: --gap-ms MS (pause after each removal is seen through; default 10), --jitter-ms
// MS (`disable`: a further pause drawn evenly from 0 .. MS, seeded: against a polling
// daemon, pass the poll interval, else each removal follows the poll that saw the last one
// by the same few ms and waits nearly a whole interval, every time),
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
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/bench/account_activity.h"
#include "tests/bench/delete_notifications.h"
#include "tests/bench/dirsync_poll.h"
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

// The directory the removals are made in, and how its people are named.
struct Directory {
  std::string url;
  std::string admin_dn;
  std::string admin_password;
  std::string people_base;
  std::string rdn;       // uid (tests/bench/clinic_staff_ldif.sh) or CN (ad_clinic_staff_ldif.sh)
  bool syncrepl = true;  // Active Directory has none: nothing to consume beside the daemon

  std::string Dn(const std::string& uid) const { return rdn + "=" + uid + "," + people_base; }
};

Directory DirectoryOf(const Options& o) {
  const std::string flavor = o.Get("flavor", "openldap");
  if (flavor == "openldap") {
    return {o.Get("url"), kRootDn, kRootPassword, kPeopleBase, "uid", true};
  }
  if (flavor == "active_directory") {
    return {o.Get("url"), o.Get("admin-dn"), o.Get("admin-password"), o.Get("people-base"), "CN",
            false};
  }
  throw std::runtime_error("--flavor must be openldap or active_directory, not '" + flavor + "'");
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
  // log) and two figures in ms: removal -> notification (Active Directory: the delete's
  // round trip) and removal -> disable (the raw DirSync phase: -> seen by a poll).
  void Sample(const std::string& phase, const std::string& uid,
              std::chrono::system_clock::time_point removed_at, double first_ms,
              std::optional<double> second_ms) {
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
             << ms % 1000 << "Z," << first_ms << ",";
    if (second_ms) samples_ << *second_ms;
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
  const Directory directory = DirectoryOf(o);
  const std::string prefix = o.Get("prefix");
  const int count = o.Int("count", 200);
  const milliseconds gap(o.Int("gap-ms", 10));
  Output out(o);

  DeleteNotifications watch(directory.url, kServiceDn, kServicePassword, directory.people_base);
  LdapSession admin = Bind(directory.url, directory.admin_dn, directory.admin_password);
  LatencySummary latency;
  for (int i = 1; i <= count; ++i) {
    const std::string uid = Uid(prefix, i);
    const std::string dn = directory.Dn(uid);
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

int Dirsync(const Options& o) {
  const Directory directory = DirectoryOf(o);
  const std::string prefix = o.Get("prefix");
  const int count = o.Int("count", 100);
  const milliseconds gap(o.Int("gap-ms", 10));
  Output out(o);

  LdapSession admin = Bind(directory.url, directory.admin_dn, directory.admin_password);
  // Its own connection, as the daemon's follower has.
  LdapSession reader = Bind(directory.url, directory.admin_dn, directory.admin_password);
  DirsyncPoll dirsync(reader.get(), o.Get("naming-context"));
  dirsync.Round();  // everything: from here on, each round is what changed since the last

  LatencySummary round_trip;
  LatencySummary idle_poll;
  LatencySummary poll_with_removal;
  LatencySummary to_seen;
  for (int i = 1; i <= count; ++i) {
    const std::string uid = Uid(prefix, i);
    Clock::time_point start = Clock::now();
    dirsync.Round();
    idle_poll.Add(Clock::now() - start);

    const auto removed_at = std::chrono::system_clock::now();
    const Clock::time_point sent = Clock::now();
    DeleteEntry(admin.get(), directory.Dn(uid));
    const Clock::time_point answered = Clock::now();
    // The DC answers a delete once it is committed: the first poll after it has it.
    start = Clock::now();
    while (dirsync.Round() == 0) {
      if (Clock::now() - sent > kGiveUp) {
        throw std::runtime_error("no DirSync poll reported the deletion of " + uid +
                                 " within 10 s");
      }
      start = Clock::now();
    }
    const Clock::time_point seen = Clock::now();
    poll_with_removal.Add(seen - start);
    round_trip.Add(answered - sent);
    to_seen.Add(seen - sent);
    out.Sample("raw", uid, removed_at, Ms(answered - sent), Ms(seen - sent));
    std::this_thread::sleep_for(gap);
  }
  out.Row(round_trip.Row("delete request round trip (raw)"));
  out.Row(idle_poll.Row("bare DirSync poll, nothing changed"));
  out.Row(poll_with_removal.Row("bare DirSync poll with the deletion"));
  out.Row(to_seen.Row("removal -> seen by a DirSync poll at once"));
  return 0;
}

int Disable(const Options& o) {
  const Directory directory = DirectoryOf(o);
  const std::string backend = o.Get("backend");
  const std::string label = o.Get("label");
  const std::string prefix = o.Get("prefix");
  const int count = o.Int("count", 200);
  const int admin_port = o.Int("admin-port", 0);
  const milliseconds gap(o.Int("gap-ms", 10));
  const std::chrono::microseconds poll(o.Int("poll-us", 200));
  std::mt19937 random(20240601);  // the same pauses in every run
  std::uniform_int_distribution<int> jitter_ms(0, o.Int("jitter-ms", 0));
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

  std::optional<DeleteNotifications> watch;
  if (directory.syncrepl) {
    watch.emplace(directory.url, kServiceDn, kServicePassword, directory.people_base);
  }
  LdapSession admin = Bind(directory.url, directory.admin_dn, directory.admin_password);
  LatencySummary to_disable;
  LatencySummary round_trip;
  LatencySummary to_notification;
  LatencySummary notification_to_disable;
  for (int i = 1; i <= count; ++i) {
    const std::string uid = Uid(prefix, i);
    const std::string dn = directory.Dn(uid);
    const auto removed_at = std::chrono::system_clock::now();
    const Clock::time_point sent = Clock::now();
    DeleteEntry(admin.get(), dn);
    const Clock::time_point answered = Clock::now();
    const std::optional<Clock::time_point> disabled =
        accounts.WaitDisabled(uid, poll, sent + kGiveUp);
    if (!disabled) {
      throw std::runtime_error("the daemon did not disable " + uid + " within 10 s of its removal");
    }
    to_disable.Add(*disabled - sent);
    round_trip.Add(answered - sent);
    if (watch) {
      const Clock::time_point notified = Notified(*watch, dn);
      to_notification.Add(notified - sent);
      // Can come out negative by a poll interval or so: the consumer's thread may be
      // scheduled after the daemon committed.
      notification_to_disable.Add(*disabled - notified);
      out.Sample(label, uid, removed_at, Ms(notified - sent), Ms(*disabled - sent));
    } else {
      out.Sample(label, uid, removed_at, Ms(answered - sent), Ms(*disabled - sent));
    }
    std::this_thread::sleep_for(gap + milliseconds(jitter_ms(random)));
  }

  if (watch) {
    char target[64];
    std::snprintf(target, sizeof target, "  target p99 < %.0f ms (%s)", kTargetP99Ms,
                  to_disable.Percentile(99) < kTargetP99Ms ? "met" : "missed");
    out.Row(to_disable.Row("removal -> committed disable (" + label + ")") + target);
    out.Row(to_notification.Row("  removal -> notification, raw consumer beside"));
    out.Row(notification_to_disable.Row("  notification -> disable seen (daemon's share)"));
  } else {
    // Polled, not pushed: a removal waits for the next poll, half an interval on average.
    const std::string interval = o.Get("poll-interval-ms", "?");
    out.Row(to_disable.Row("removal -> committed disable (" + label + ")") + "  poll interval " +
            interval + " ms");
  }
  out.Row(round_trip.Row("  delete request round trip"));
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
    if (command == "dirsync") return pmbridge::bench::Dirsync(options);
    std::cerr << "usage: daemon_latency notification|disable|dirsync --name value ... (see the "
                 "comment at the top of tests/bench/daemon_latency.cc)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "daemon_latency " << command << ": " << e.what() << "\n";
    return 1;
  }
}
