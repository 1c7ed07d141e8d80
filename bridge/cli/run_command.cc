// `pmbridge run [--log-format text|json] [--log-level LEVEL]`: the daemon. Wires the
// daemon loop (bridge/daemon) to the real directory, database, admin listener, systemd
// and signals: SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR1 runs a full reconcile.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"
#include "bridge/clock.h"
#include "bridge/daemon/daemon.h"
#include "bridge/log.h"
#include "bridge/metrics.h"
#include "connectors/admin/admin_server.h"
#include "connectors/directory/ldap_directory.h"
#include "connectors/systemd/notifier.h"

namespace po = boost::program_options;

namespace pmbridge {
namespace {

void LogWarnings(const Diagnostics& diagnostics, const char* event, Logger& log) {
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity == Diagnostic::Severity::kWarning)
      log.Warning(event, {{"detail", d.ToString()}});
  }
}

// bridge.yaml and the mappings; every diagnostic (file:line:col) in the error's message.
// Warnings go to `log`.
Result<std::unique_ptr<BridgeFiles>> LoadBridgeFiles(const std::string& path, Logger& log) {
  ConfigLoad config = LoadConfig(path);
  std::string errors = config.diagnostics.has_errors() ? config.diagnostics.ToString() : "";
  std::optional<Mapping> mapping;
  if (!config.mappings_path.empty() && std::filesystem::exists(config.mappings_path)) {
    MappingLoad loaded = LoadMappings(config.mappings_path);
    if (loaded.diagnostics.has_errors()) {
      errors += loaded.diagnostics.ToString();
    } else {
      LogWarnings(loaded.diagnostics, "mapping.warning", log);
    }
    mapping = std::move(loaded.mapping);
  }
  if (!config.config || !mapping) {
    if (errors.empty()) errors = "the mappings path does not exist";
    return Status::InvalidInput(errors);
  }
  LogWarnings(config.diagnostics, "config.warning", log);
  auto files = std::make_unique<BridgeFiles>();
  files->config = std::move(*config.config);
  files->mapping = std::move(*mapping);
  return files;
}

Result<DaemonConnections> OpenConnections(const Config& config, const Clock& clock) {
  Result<std::string> password = ReadBindPassword(config.directory);
  if (!password.ok()) return password.status();
  DaemonConnections conns;
  Result<std::unique_ptr<DirectorySource>> directory =
      OpenLdapDirectory(config.directory, *password, clock);
  if (!directory.ok()) return directory.status();
  conns.directory = std::move(directory).value();
  Result<std::unique_ptr<DirectoryFollower>> follower =
      OpenDirectoryFollower(config.directory, *password, clock);
  if (!follower.ok()) return follower.status();
  conns.follower = std::move(follower).value();
  Result<std::unique_ptr<PmDatabase>> database = OpenPmDatabase(config.database);
  if (!database.ok()) return database.status();
  Result<bool> initialized = (*database)->IsInitialized();
  if (!initialized.ok()) return initialized.status();
  if (!*initialized) {
    return Status::Database("the database has no pmbridge tables yet: run `pmbridge db init`");
  }
  conns.database = std::move(database).value();
  return conns;
}

// Waits for the daemon's signals on a thread of its own (they are blocked everywhere else),
// so no handler runs inside libldap, libpq or SQLite.
class SignalThread {
 public:
  explicit SignalThread(Daemon& daemon) : daemon_(daemon), thread_([this] { Loop(); }) {}
  ~SignalThread() {
    done_ = true;
    thread_.join();
  }

 private:
  void Loop() {
    sigset_t set = DaemonSignals();
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done_) {
      const int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) daemon_.RequestStop();
      if (sig == SIGHUP) daemon_.RequestReload();
      if (sig == SIGUSR1) daemon_.RequestFullReconcile("SIGUSR1");
    }
  }

 public:
  static sigset_t DaemonSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
    return set;
  }

 private:
  Daemon& daemon_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int RunDaemon(CommandContext& context, const std::vector<std::string>& args) {
  po::options_description options("run options");
  options.add_options()("log-format", po::value<std::string>()->default_value("text"),
                        "text or json: one line per event on standard error")(
      "log-level", po::value<std::string>()->default_value("info"),
      "debug, info, warning or error");
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge run [--log-format text|json] [--log-level LEVEL]",
                           options, {}, vm, &exit_code)) {
    return exit_code;
  }
  Result<LogFormat> format = ParseLogFormat(vm["log-format"].as<std::string>());
  if (!format.ok()) return ReportError(format.status());
  Result<LogLevel> level = ParseLogLevel(vm["log-level"].as<std::string>());
  if (!level.ok()) return ReportError(level.status());

  // Before any thread starts, so every thread inherits the mask.
  sigset_t signals = SignalThread::DaemonSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  Logger log(*format, stderr, clock);
  log.set_min_level(*level);
  Result<std::unique_ptr<BridgeFiles>> files = LoadBridgeFiles(context.config_path(), log);
  if (!files.ok()) {
    log.Error("daemon.start_failed", {{"error", files.status().message()}});
    return kExitError;
  }
  const std::string admin_listen = (*files)->config.daemon.admin_listen;

  BridgeMetrics metrics;
  SystemdNotifier notifier;
  DaemonEnvironment env;
  const std::string config_path = context.config_path();
  env.load_files = [config_path, &log] { return LoadBridgeFiles(config_path, log); };
  env.open = [&clock](const Config& config) { return OpenConnections(config, clock); };
  auto notify = [&log](const char* what, Status s) {
    if (!s.ok()) log.Warning("systemd.notify_failed", {{"what", what}, {"error", s.ToString()}});
  };
  env.ready = [&] { notify("READY", notifier.Ready()); };
  env.reloading = [&] { notify("RELOADING", notifier.Reloading()); };
  env.stopping = [&] { notify("STOPPING", notifier.Stopping()); };
  env.watchdog = [&] { notify("WATCHDOG", notifier.Watchdog()); };
  env.status = [&](const std::string& text) { notify("STATUS", notifier.SetStatus(text)); };
  if (auto interval = notifier.WatchdogInterval()) {
    env.watchdog_interval = std::chrono::duration_cast<std::chrono::milliseconds>(*interval);
  }
  env.actor = CommandContext::Actor("run");

  Daemon daemon(std::move(files).value(), std::move(env), clock, log, metrics);
  AdminHandlers handlers;
  handlers.health = [&daemon] {
    DaemonHealth h = daemon.Health();
    return HealthReport{h.ok, h.detail};
  };
  handlers.metrics = [&metrics] { return metrics.RenderPrometheus(); };
  handlers.request_reconcile = [&daemon] { return daemon.RequestFullReconcile("POST /reconcile"); };
  AdminServerOptions admin_options;
  admin_options.logger = &log;
  AdminServer admin(admin_listen, std::move(handlers), admin_options);
  if (Status s = admin.Start(); !s.ok()) {
    log.Error("admin.start_failed", {{"error", s.ToString()}});
    return kExitError;
  }
  int code;
  {
    SignalThread signal_thread(daemon);
    code = daemon.Run();
  }
  admin.Stop();
  return code;
}

}  // namespace pmbridge
