// `pmbridge run`: reconcile once, then follow the directory and apply each change to the
// people it touches, in one transaction with the new sync position. Full reconciles on an
// interval and on request; reload on request, keeping the old files when the new ones are
// wrong; reconnects with backoff, and never disables anyone on a failed read.
//
// Threads: Run() is the daemon loop. RequestStop/Reload/FullReconcile and Health may be
// called from any other thread (the signal thread, the admin listener).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/directory_follower.h"
#include "bridge/directory_model.h"
#include "bridge/directory_source.h"
#include "bridge/disable_guard.h"
#include "bridge/log.h"
#include "bridge/metrics.h"
#include "bridge/pm_database.h"
#include "bridge/status.h"

namespace pmbridge {

struct Plan;

// bridge.yaml and the mappings, loaded together.
struct BridgeFiles {
  Config config;
  Mapping mapping;
};

// The daemon's outside world for one configuration.
struct DaemonConnections {
  std::unique_ptr<DirectorySource> directory;  // complete reads, to seed the model
  std::unique_ptr<DirectoryFollower> follower;
  std::unique_ptr<PmDatabase> database;
};

struct DaemonEnvironment {
  // Reads bridge.yaml and the mappings again (SIGHUP). An error's message names every
  // problem with its file:line:col.
  std::function<Result<std::unique_ptr<BridgeFiles>>()> load_files;
  // Opens (without connecting) the connections a configuration names.
  std::function<Result<DaemonConnections>(const Config&)> open;
  // Service-manager notifications (systemd sd_notify); any may be unset.
  std::function<void()> ready, reloading, stopping, watchdog;
  std::function<void(const std::string&)> status;
  std::chrono::milliseconds watchdog_interval{0};  // 0: no watchdog
  std::string actor;                               // for the audit rows
};

struct DaemonHealth {
  bool ok = false;
  std::string detail;
};

class Daemon {
 public:
  Daemon(std::unique_ptr<BridgeFiles> files, DaemonEnvironment environment, const Clock& clock,
         Logger& log, BridgeMetrics& metrics);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until RequestStop(); returns the process exit code (0 after a clean stop).
  int Run();

  void RequestStop();
  void RequestReload();
  // Queues a full reconcile; `why` names the trigger in the log and the audit rows.
  bool RequestFullReconcile(const std::string& why);
  DaemonHealth Health() const;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  Status Open();
  // The pmbridge_state name of the position for the strategy in force.
  const char* PositionName() const;
  // The audit rows' event for a batch: "directory change (<strategy>)".
  std::string ChangeEventName() const;
  // Seeds the model, starts following and reconciles everyone. `from_scratch` re-reads
  // the whole directory through the follower instead of resuming from the stored position.
  Status Establish(bool from_scratch, const std::string& why);
  // Reconciles everyone in the model against the whole database, committing `position_`.
  Status ReconcileEveryone(const std::string& why);
  // Recomputes the people in pending_ and commits them with `position_`.
  Status ApplyPending();
  // ApplyPending, then back off on failure or mark the daemon healthy again.
  void ApplyPendingOrBackOff();
  void Reload();
  // Whether `mapping` names only modules and providers `database` has.
  static Status CheckAgainstCatalog(const Mapping& mapping, PmDatabase& database);
  void Wait(std::chrono::milliseconds timeout);
  void Backoff(const Status& why, bool directory);
  void SetHealth(bool ok, std::string detail);
  // The health detail while following: says so when disables are held.
  std::string FollowingDetail() const;
  void Watchdog();
  void DrainWake();
  void NoteHeld(const std::vector<std::string>& touched_anchors, const struct GuardedPlan& guarded);
  void Report(const struct GuardedPlan& guarded, const Plan& applied, const std::string& event,
              std::size_t max_lines);

  std::unique_ptr<BridgeFiles> files_;
  DaemonEnvironment env_;
  const Clock& clock_;
  Logger& log_;
  BridgeMetrics& metrics_;
  DaemonConnections conns_;
  DirectoryModel model_;
  DisableGuard guard_;

  bool following_ = false;
  // What the next Establish does and why (for the log and the audit rows).
  bool establish_from_scratch_ = false;
  std::string establish_why_ = "daemon start";
  std::string position_;
  bool position_dirty_ = false;
  TouchedPeople pending_;
  std::unordered_map<std::string, std::string> held_;  // anchor -> login, held disables
  std::chrono::milliseconds backoff_{0};
  SteadyTime retry_at_{};
  SteadyTime next_full_{};
  SteadyTime next_watchdog_{};
  bool ready_sent_ = false;

  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  mutable std::mutex requests_mutex_;
  std::string full_reason_;  // non-empty: a full reconcile is queued
  DaemonHealth health_;
};

// pmbridge_state name of the follower's position, one per change detection strategy, so a
// position is only ever given back to the kind of follower that wrote it (switching
// strategy starts from a complete read).
const char* SyncPositionStateName(ChangeDetection strategy);

}  // namespace pmbridge
