// `pmbridge run` end to end: the real binary following a real slapd (syncprov) into SQLite
// and PostgreSQL. Outcomes are awaited with a generous deadline; nothing here measures time.
#include <signal.h>

#include <memory>

#include "tests/integration/scenarios/daemon_scenario.h"
#include "tests/support/background_process.h"
#include "tests/support/http_client.h"
#include "tests/support/notify_socket.h"

namespace pmbridge::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kPeople[] = {"alice", "hank", "bob", "carol", "dave", "erin", "grace"};

TEST_P(DaemonScenario, ReconcilesOnceThenFollowsTheDirectory) {
  StartDaemon();
  for (const char* login : kPeople) EXPECT_TRUE(Active(login)) << login;

  // Added to a mapped group: created.
  AddPerson("zoe");
  AddMember("pm-billing", "zoe");
  ASSERT_TRUE(Eventually([&] { return Active("zoe"); })) << daemon_->Log();
  EXPECT_TRUE(Holds(Account("zoe"), "charges", kEdit));

  // Removed from one of two groups: rights shrink, the account stays.
  ASSERT_TRUE(Holds(Account("erin"), "scheduling", kDelete));
  RemoveMember("pm-front-desk", "erin");
  ASSERT_TRUE(Eventually([&] { return !Holds(Account("erin"), "scheduling", kDelete); }))
      << daemon_->Log();
  EXPECT_TRUE(Active("erin"));
  EXPECT_TRUE(Holds(Account("erin"), "patients", kEdit));  // still a nurse

  // The entry deleted: disabled, with an audit row naming the event.
  DeleteEntry("uid=carol,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("carol"); })) << daemon_->Log();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM pmbridge_audit WHERE login_id = 'carol' AND action = "
                   "'disable' AND detail LIKE '%\"event\":\"directory change (syncrepl)\"%'"),
            1);
  // A nested group change reaches the members below it: front-desk-temps (dave) leaves
  // pm-front-desk.
  Ldif(
      "dn: cn=pm-front-desk,ou=groups,dc=clinic,dc=example\nchangetype: modify\ndelete: "
      "member\nmember: cn=front-desk-temps,ou=groups,dc=clinic,dc=example\n");
  ASSERT_TRUE(Eventually([&] { return Disabled("dave"); })) << daemon_->Log();

  for (const char* login : {"alice", "hank", "bob", "erin", "grace", "zoe"}) {
    EXPECT_TRUE(Active(login)) << login;
  }
  EXPECT_TRUE(Text("SELECT value FROM pmbridge_state WHERE name = 'syncrepl_cookie'"));
  StopDaemon();
}

TEST_P(DaemonScenario, ResumesFromTheStoredPositionAfterAStop) {
  StartDaemon();
  StopDaemon();
  // While it is stopped: one person leaves, one joins.
  DeleteEntry("uid=grace,ou=people,dc=clinic,dc=example");
  AddPerson("zoe");
  AddMember("pm-nurses", "zoe");
  StartDaemon();
  ASSERT_TRUE(Eventually([&] { return Disabled("grace") && Active("zoe"); })) << daemon_->Log();
  EXPECT_TRUE(Logged("resumed=true")) << daemon_->Log();
  for (const char* login : {"alice", "hank", "bob", "carol", "dave", "erin"}) {
    EXPECT_TRUE(Active(login)) << login;
  }
}

TEST_P(DaemonScenario, SurvivesADirectoryRestartWithoutDisablingAnyone) {
  StartDaemon();
  slapd_->Stop();
  ASSERT_TRUE(Eventually([&] { return Logged("directory.unavailable"); })) << daemon_->Log();
  ASSERT_TRUE(Eventually([&] { return Get(admin_port_, "/healthz").status == 503; }));
  for (const char* login : kPeople) EXPECT_TRUE(Active(login)) << login;
  slapd_->Restart();
  ASSERT_TRUE(Eventually([&] { return Get(admin_port_, "/healthz").status == 200; }))
      << daemon_->Log();
  DeleteEntry("uid=bob,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("bob"); })) << daemon_->Log();
  for (const char* login : {"alice", "hank", "carol", "dave", "erin", "grace"}) {
    EXPECT_TRUE(Active(login)) << login;
  }
}

TEST_P(DaemonScenario, ReconnectsToTheDatabaseAfterLosingIt) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "SQLite has no connection to lose";
  StartDaemon();
  // The server ends every other session of the database: the daemon's connection is gone.
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid()");
  DeleteEntry("uid=bob,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("bob"); })) << daemon_->Log();
  EXPECT_TRUE(Logged("database.unavailable")) << daemon_->Log();
  for (const char* login : {"alice", "hank", "carol", "dave", "erin", "grace"}) {
    EXPECT_TRUE(Active(login)) << login;
  }
  EXPECT_EQ(Get(admin_port_, "/healthz").status, 200);
}

TEST_P(DaemonScenario, HoldsABurstOfDisablesButStillAppliesASingleDeparture) {
  max_disables_ = "2";
  WriteConfig();
  StartDaemon();
  // Three more billing clerks, so that deleting the billing group (one directory change)
  // takes five people's access at once.
  for (const char* uid : {"xena", "yuri", "zoe"}) {
    AddPerson(uid);
    AddMember("pm-billing", uid);
  }
  ASSERT_TRUE(Eventually([&] { return Active("xena") && Active("yuri") && Active("zoe"); }))
      << daemon_->Log();
  DeleteEntry("cn=pm-billing,ou=groups,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Logged("safety.held"); })) << daemon_->Log();
  const std::vector<std::string> burst = {"carol", "grace", "xena", "yuri", "zoe"};
  for (const std::string& login : burst) EXPECT_TRUE(Active(login)) << login;
  const std::string metrics = Get(admin_port_, "/metrics").body;
  EXPECT_NE(metrics.find("pmbridge_guard_holds_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("pmbridge_guard_held_disables 5"), std::string::npos) << metrics;
  const HttpReply health = Get(admin_port_, "/healthz");  // an alarm, not an outage
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("5 disables held"), std::string::npos) << health.body;

  // One person leaving is still applied at once; the held burst stays held.
  DeleteEntry("uid=bob,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("bob"); })) << daemon_->Log();
  for (const std::string& login : burst) EXPECT_TRUE(Active(login)) << login;
  // And so is everything that is not a disable.
  AddPerson("walt");
  AddMember("pm-nurses", "walt");
  ASSERT_TRUE(Eventually([&] { return Active("walt"); })) << daemon_->Log();
}

TEST_P(DaemonScenario, ABrokenMappingOnReloadKeepsTheOldOne) {
  StartDaemon();
  WriteMapping(ClinicMapping() + "\ngroups:\n  - this is not a rule\n");
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return Logged("reload.refused"); })) << daemon_->Log();
  EXPECT_TRUE(Logged("clinic.yaml:")) << daemon_->Log();
  // Still following, with the old mapping.
  AddMember("pm-billing", "frank");
  ASSERT_TRUE(Eventually([&] { return Active("frank"); })) << daemon_->Log();
  EXPECT_TRUE(Holds(Account("frank"), "charges", kEdit));

  // Valid YAML, but naming a provider the PM database does not have: refused as well,
  // since it would stop every change, departures included.
  std::string unknown_provider = ClinicMapping();
  const std::string nurses = "providers: [DRPATEL]";
  ASSERT_NE(unknown_provider.find(nurses), std::string::npos);
  unknown_provider.replace(unknown_provider.find(nurses), nurses.size(), "providers: [DRWHO]");
  WriteMapping(unknown_provider);
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return Count(daemon_->Log(), "reload.refused") == 2; }))
      << daemon_->Log();
  EXPECT_TRUE(Logged("DRWHO")) << daemon_->Log();
  DeleteEntry("uid=grace,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("grace"); })) << daemon_->Log();

  // A good edit takes effect: billing loses payments:delete.
  std::string mapping = ClinicMapping();
  const std::string from = "payments: [view, edit, delete]";
  ASSERT_NE(mapping.find(from), std::string::npos);
  mapping.replace(mapping.find(from), from.size(), "payments: [view, edit]");
  WriteMapping(mapping);
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return !Holds(Account("frank"), "payments", kDelete); }))
      << daemon_->Log();
  EXPECT_TRUE(Logged("trigger=\"config reload\"")) << daemon_->Log();
}

TEST_P(DaemonScenario, AnswersHealthMetricsAndReconcileRequests) {
  StartDaemon();
  EXPECT_EQ(Get(admin_port_, "/healthz").status, 200);
  DeleteEntry("uid=carol,ou=people,dc=clinic,dc=example");
  ASSERT_TRUE(Eventually([&] { return Disabled("carol"); })) << daemon_->Log();
  const std::string metrics = Get(admin_port_, "/metrics").body;
  for (const char* name :
       {"pmbridge_changes_total{action=\"create\"} 7",
        "pmbridge_changes_total{action=\"disable\"} 1", "pmbridge_conflicts",
        "pmbridge_guard_holds_total", "pmbridge_last_successful_sync_timestamp_seconds",
        "pmbridge_removal_to_disable_seconds_count 1"}) {
    EXPECT_NE(metrics.find(name), std::string::npos) << name << "\n" << metrics;
  }

  // A PM account edited by hand is put back by a requested full reconcile.
  Sql("UPDATE pm_users SET super_user = 1 WHERE login_id = 'bob'");
  const HttpReply reply =
      Exchange(admin_port_, "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.status, 202);
  ASSERT_TRUE(Eventually([&] { return !Account("bob")->fields.super_user; })) << daemon_->Log();
  EXPECT_TRUE(Logged("POST /reconcile")) << daemon_->Log();

  Sql("UPDATE pm_users SET super_user = 1 WHERE login_id = 'bob'");
  daemon_->Signal(SIGUSR1);
  ASSERT_TRUE(Eventually([&] { return !Account("bob")->fields.super_user; })) << daemon_->Log();
  EXPECT_TRUE(Logged("SIGUSR1")) << daemon_->Log();
}

TEST_P(DaemonScenario, JsonLogsAreOneObjectPerLine) {
  ++runs_;
  daemon_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{PmbridgeBinary(), "--config", dir_->File("bridge.yaml"), "run",
                               "--log-format", "json"},
      dir_->File("daemon-json.log"));
  ASSERT_TRUE(Eventually([&] { return Logged("reconcile.done"); })) << daemon_->Log();
  StopDaemon();
  std::string log = daemon_->Log();
  std::size_t start = 0, lines = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    ++lines;
    start = end + 1;
  }
  EXPECT_GT(lines, 3u);
}

TEST_P(DaemonScenario, TalksToSystemd) {
  const std::string path = dir_->File("notify");
  NotifySocket systemd(path);
  ASSERT_TRUE(systemd.bound()) << path;
  ++runs_;
  daemon_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{PmbridgeBinary(), "--config", dir_->File("bridge.yaml"), "run"},
      dir_->File("daemon-systemd.log"),
      std::map<std::string, std::string>{{"NOTIFY_SOCKET", path}, {"WATCHDOG_USEC", "400000"}});
  // Reads datagrams until one starts with `prefix`; false if the daemon stops sending.
  auto await = [&](const std::string& prefix) {
    for (std::string m = systemd.Receive(); !m.empty(); m = systemd.Receive()) {
      if (m.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  // Ready once the first full reconcile has committed, not before.
  ASSERT_TRUE(await("READY=1")) << daemon_->Log();
  EXPECT_TRUE(Logged("reconcile.done")) << daemon_->Log();
  EXPECT_TRUE(Active("alice"));
  ASSERT_TRUE(await("WATCHDOG=1")) << daemon_->Log();
  ASSERT_TRUE(await("WATCHDOG=1")) << daemon_->Log();  // and again: it keeps pinging
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(await("RELOADING=1\nMONOTONIC_USEC=")) << daemon_->Log();
  ASSERT_TRUE(await("READY=1")) << daemon_->Log();
  daemon_->Signal(SIGTERM);
  ASSERT_TRUE(await("STOPPING=1")) << daemon_->Log();
  EXPECT_EQ(daemon_->Wait(seconds(30)), std::optional<int>(0)) << daemon_->Log();
}

INSTANTIATE_TEST_SUITE_P(Backends, DaemonScenario,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace pmbridge::testing
