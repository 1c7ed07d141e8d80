#include "bridge/daemon/daemon.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "bridge/assessment.h"
#include "bridge/daemon/guarded_plan.h"
#include "bridge/planner.h"
#include "bridge/reconciler.h"
#include "bridge/resolver.h"
#include "bridge/safety.h"

namespace pmbridge {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{30000};
// A full reconcile logs each change up to this many, then a summary: the audit rows hold
// every one.
constexpr std::size_t kMaxChangeLinesPerFullRun = 200;

milliseconds Until(Steady::time_point t, Steady::time_point now) {
  if (t <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(t - now) + milliseconds(1);
}

ResolveOptions ResolveOptionsFor(const Config& config) {
  ResolveOptions o;
  o.nested_groups = config.directory.groups.nested;
  o.login_attribute = config.directory.users.attributes.login;
  return o;
}

int ManagedActive(const CurrentState& current) {
  std::unordered_map<std::int64_t, bool> active;
  for (const PmAccount& a : current.accounts) active.emplace(a.user_id, a.fields.active);
  int n = 0;
  for (const AccountLink& l : current.links) {
    auto it = active.find(l.user_id);
    if (it != active.end() && it->second) ++n;
  }
  return n;
}

PlanLimits LimitsFor(const Config& config, const Mapping& mapping, int managed) {
  PlanLimits limits;
  limits.max_super_users = mapping.policy.max_super_users;
  limits.disable_limit = config.safety.max_disables_per_run.Limit(managed);
  limits.disable_limit_text = config.safety.max_disables_per_run.ToString() + " = " +
                              std::to_string(limits.disable_limit) + " of " +
                              std::to_string(managed) + " managed accounts";
  limits.window = config.daemon.disable_window;
  return limits;
}

}  // namespace

Daemon::Daemon(std::unique_ptr<BridgeFiles> files, DaemonEnvironment environment,
               const Clock& clock, Logger& log, BridgeMetrics& metrics)
    : files_(std::move(files)),
      env_(std::move(environment)),
      clock_(clock),
      log_(log),
      metrics_(metrics),
      model_(files_->mapping, files_->config.directory.groups.nested),
      guard_(files_->config.daemon.disable_window) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  health_.detail = "starting";
}

Daemon::~Daemon() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Daemon::RequestStop() {
  stop_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void Daemon::RequestReload() {
  reload_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

bool Daemon::RequestFullReconcile(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(requests_mutex_);
    if (full_reason_.empty()) full_reason_ = why;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
  return true;
}

DaemonHealth Daemon::Health() const {
  std::lock_guard<std::mutex> lock(requests_mutex_);
  return health_;
}

void Daemon::SetHealth(bool ok, std::string detail) {
  std::lock_guard<std::mutex> lock(requests_mutex_);
  health_.ok = ok;
  health_.detail = std::move(detail);
}

std::string Daemon::FollowingDetail() const {
  if (held_.empty()) return "following the directory";
  return "following the directory; " + std::to_string(held_.size()) +
         " disables held by the mass-disable guard (see the log; `pmbridge reconcile --force` "
         "applies them)";
}

void Daemon::DrainWake() {
  std::uint64_t value;
  while (read(wake_fd_, &value, sizeof value) > 0) {
  }
}

void Daemon::Wait(milliseconds timeout) {
  pollfd fd{wake_fd_, POLLIN, 0};
  const int ms = static_cast<int>(std::min<milliseconds::rep>(timeout.count(), 60000));
  int rc;
  do {
    rc = poll(&fd, 1, ms);
  } while (rc < 0 && errno == EINTR && !stop_);
  DrainWake();
}

void Daemon::Watchdog() {
  if (env_.watchdog_interval.count() <= 0 || !env_.watchdog) return;
  const auto now = Steady::now();
  if (now < next_watchdog_) return;
  env_.watchdog();
  next_watchdog_ = now + env_.watchdog_interval / 2;
}

void Daemon::Backoff(const Status& why, bool directory) {
  backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
  retry_at_ = Steady::now() + backoff_;
  if (directory) {
    metrics_.RecordDirectoryError();
  } else {
    metrics_.RecordDatabaseError();
  }
  // A mapping that no longer matches the PM database (a module or provider removed there)
  // is not an outage: it needs an administrator, and says so.
  const bool mismatch = !directory && why.code() == ErrorCode::kInvalidInput;
  const char* event = directory  ? "directory.unavailable"
                      : mismatch ? "mapping.mismatch"
                                 : "database.unavailable";
  const std::string state = directory  ? "directory unavailable"
                            : mismatch ? "the mappings do not match the PM database"
                                       : "database unavailable";
  log_.Error(event, {{"error", why.ToString()},
                     {"retry_in_ms", static_cast<std::int64_t>(backoff_.count())},
                     {"note", "nothing is changed until this is resolved; nobody is disabled"}});
  SetHealth(false, state + ": " + why.ToString());
  if (env_.status) env_.status(state + ", retrying");
}

const char* SyncPositionStateName(ChangeDetection strategy) {
  switch (strategy) {
    case ChangeDetection::kSyncrepl:
      return "syncrepl_cookie";
    case ChangeDetection::kDirsync:
      return "dirsync_cookie";
    case ChangeDetection::kUsn:
      return "usn";
    case ChangeDetection::kPoll:
      return "poll_position";
  }
  return "sync_position";
}

std::string Daemon::ChangeEventName() const {
  return "directory change (" +
         std::string(ChangeDetectionKeyword(files_->config.directory.change_detection)) + ")";
}

const char* Daemon::PositionName() const {
  return SyncPositionStateName(files_->config.directory.change_detection);
}

Status Daemon::Open() {
  Result<DaemonConnections> conns = env_.open(files_->config);
  if (!conns.ok()) return conns.status();
  conns_ = std::move(conns).value();
  return Status::Ok();
}

int Daemon::Run() {
  if (wake_fd_ < 0) {
    log_.Error("daemon.start_failed",
               {{"error", "cannot create the wake-up eventfd"}, {"errno", errno}});
    return 1;
  }
  if (Status s = Open(); !s.ok()) {
    log_.Error("daemon.start_failed", {{"error", s.ToString()}});
    return 1;
  }
  if (env_.status) env_.status("starting: first reconcile");
  log_.Info("daemon.starting", {{"config", files_->config.path}});
  while (!stop_) {
    Watchdog();
    if (reload_.exchange(false)) {
      Reload();
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(requests_mutex_);
      if (!full_reason_.empty() && following_) {
        establish_why_ = full_reason_;
        full_reason_.clear();
        establish_from_scratch_ = true;
        following_ = false;
        conns_.follower->Stop();
      }
    }
    const auto now = Steady::now();
    if (!following_) {
      if (now < retry_at_) {
        Wait(std::min(Until(retry_at_, now), milliseconds(1000)));
        continue;
      }
      Status s = Establish(establish_from_scratch_, establish_why_);
      if (!s.ok()) {
        if (conns_.follower) conns_.follower->Stop();
        Backoff(s, s.code() == ErrorCode::kDirectory);
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(requests_mutex_);
        full_reason_.clear();  // the run just done covers any request made meanwhile
      }
      following_ = true;
      establish_from_scratch_ = false;
      establish_why_ = "reconnected";
      backoff_ = milliseconds(0);
      next_full_ = Steady::now() + files_->config.daemon.full_reconcile_interval;
      SetHealth(true, FollowingDetail());
      if (env_.status) env_.status(FollowingDetail());
      if (!ready_sent_ && env_.ready) env_.ready();
      ready_sent_ = true;
      continue;
    }
    if (now >= next_full_) {
      RequestFullReconcile("full_reconcile_interval");
      continue;
    }

    // Retry a batch the database refused, once its backoff is over.
    if ((!pending_.empty() || position_dirty_) && now >= retry_at_) {
      ApplyPendingOrBackOff();
      continue;
    }

    // An account expiry set in the directory passes without any change to follow.
    if (model_.ExpireDue(clock_.Now(), now, pending_)) {
      log_.Info("directory.account_expired", {{"people_pending", pending_.size()}});
      if (retry_at_ <= now) ApplyPendingOrBackOff();
      continue;
    }

    milliseconds timeout = Until(next_full_, now);
    if (std::optional<std::chrono::system_clock::time_point> expiry = model_.NextExpiry()) {
      timeout = std::min(
          timeout,
          std::max(milliseconds(1), std::chrono::ceil<milliseconds>(*expiry - clock_.Now())));
    }
    if (env_.watchdog_interval.count() > 0) timeout = std::min(timeout, env_.watchdog_interval / 2);
    if (!pending_.empty()) timeout = std::min(timeout, Until(retry_at_, now));
    timeout = std::min(timeout, milliseconds(60000));
    Result<FollowBatch> batch = conns_.follower->Next(timeout, wake_fd_);
    DrainWake();
    if (!batch.ok()) {
      conns_.follower->Stop();
      following_ = false;
      Backoff(batch.status(), true);
      continue;
    }
    if (batch->events.empty() && batch->position.empty() && !batch->users_present &&
        !batch->groups_present) {
      continue;
    }
    model_.Apply(*batch, pending_);
    log_.Debug("directory.batch", {{"events", batch->events.size()},
                                   {"people_pending", pending_.size()},
                                   {"new_position", !batch->position.empty()}});
    if (!batch->position.empty()) {
      position_ = batch->position;
      position_dirty_ = true;
    }
    if (retry_at_ > Steady::now()) continue;  // the database is backing off
    ApplyPendingOrBackOff();
  }
  if (env_.stopping) env_.stopping();
  log_.Info("daemon.stopped");
  if (conns_.follower) conns_.follower->Stop();
  return 0;
}

Status Daemon::Establish(bool from_scratch, const std::string& why) {
  if (!conns_.follower) PMB_RETURN_IF_ERROR(Open());
  std::string start_from;
  if (!from_scratch) {
    Result<std::optional<std::string>> stored = conns_.database->GetState(PositionName());
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) start_from = **stored;
  }
  if (!start_from.empty()) {
    // The stored position says what changed since; the model needs everything else.
    Result<DirectorySnapshot> snapshot = conns_.directory->ReadSnapshot();
    if (!snapshot.ok()) return snapshot.status();
    model_.Reset(*snapshot);
  }
  Result<FollowBatch> refresh = conns_.follower->Start(start_from);
  if (!refresh.ok() && !start_from.empty() && refresh.status().code() == ErrorCode::kInvalidInput) {
    log_.Warning("directory.position_unusable", {{"error", refresh.status().ToString()},
                                                 {"action", "reading the whole directory"}});
    start_from.clear();
    refresh = conns_.follower->Start("");
  }
  if (!refresh.ok()) return refresh.status();
  TouchedPeople touched;  // everyone is reconciled below
  model_.Apply(*refresh, touched);
  if (!refresh->position.empty()) position_ = refresh->position;
  log_.Info("directory.read", {{"users", model_.user_count()},
                               {"groups", model_.group_count()},
                               {"resumed", !start_from.empty()},
                               {"changes_since_position", refresh->events.size()}});
  PMB_RETURN_IF_ERROR(ReconcileEveryone(why));
  pending_.clear();
  position_dirty_ = false;
  return Status::Ok();
}

Status Daemon::ReconcileEveryone(const std::string& why) {
  const Config& config = files_->config;
  const Mapping& mapping = files_->mapping;
  Result<std::unique_ptr<PmWriteTransaction>> txn = conns_.database->BeginWrite();
  if (!txn.ok()) return txn.status();
  Result<CurrentState> current = (*txn)->LoadCurrentState();
  if (!current.ok()) return current.status();
  Diagnostics catalog_errors = CheckMappingAgainstCatalog(mapping, current->catalog);
  if (catalog_errors.has_errors()) {
    return Status::InvalidInput("the mappings do not match the PM database:\n" +
                                catalog_errors.ToString());
  }
  DesiredState desired = ResolvePeople(model_.AllUsers(), model_.index(), mapping, current->catalog,
                                       ResolveOptionsFor(config));
  for (std::string& w : MissingGroupWarnings(mapping, model_.index())) {
    desired.warnings.push_back(std::move(w));
  }
  PlanOptions plan_options;
  plan_options.users_base_dn = config.directory.users.base_dn;
  Plan plan = MakePlan(*current, desired, mapping.policy, plan_options);
  for (const std::string& w : plan.warnings) log_.Warning("reconcile.warning", {{"detail", w}});

  PlanLimits limits = LimitsFor(config, mapping, static_cast<int>(current->links.size()));
  limits.super_users_after = ManagedSuperUsersAfter(plan, *current);
  limits.empty_read = model_.user_count() == 0 && ManagedActive(*current) > 0;
  const auto now = clock_.Now();
  GuardedPlan guarded = GuardPlan(std::move(plan), limits, guard_, Steady::now());
  const Plan& applied = guarded.plan;

  const std::string event = "full reconcile (" + why + ")";
  if (applied.has_changes()) {
    PMB_RETURN_IF_ERROR((*txn)->Apply(applied, AuditContext{env_.actor, event, now}));
  }
  PMB_RETURN_IF_ERROR((*txn)->PutState(
      kStateLastReconcile, LastReconcileRecord(applied, now, env_.actor, event, /*forced=*/false,
                                               guarded.held_disables.size())));
  if (!position_.empty()) PMB_RETURN_IF_ERROR((*txn)->PutState(PositionName(), position_));
  PMB_RETURN_IF_ERROR((*txn)->Commit());

  held_.clear();
  NoteHeld({}, guarded);
  Report(guarded, applied, event, kMaxChangeLinesPerFullRun);
  metrics_.SetConflicts(static_cast<std::int64_t>(applied.conflicts.size()));
  metrics_.RecordFullReconcile(
      applied.has_changes() ? FullReconcileResult::kApplied : FullReconcileResult::kNothing, now);
  metrics_.SetLastSuccessfulSync(now);
  metrics_.SetSyncPositionKnown(!position_.empty());
  const Plan::Summary s = applied.summary();
  log_.Info("reconcile.done", {{"trigger", why},
                               {"created", s.create},
                               {"updated", s.update},
                               {"enabled", s.enable},
                               {"disabled", s.disable},
                               {"unchanged", s.unchanged},
                               {"conflicts", applied.conflicts.size()},
                               {"held_disables", guarded.held_disables.size()}});
  return Status::Ok();
}

void Daemon::ApplyPendingOrBackOff() {
  if (Status s = ApplyPending(); !s.ok()) {
    Backoff(s, false);
    return;
  }
  backoff_ = milliseconds(0);
  SetHealth(true, FollowingDetail());
}

Status Daemon::ApplyPending() {
  const Config& config = files_->config;
  const Mapping& mapping = files_->mapping;
  std::vector<const DirectoryUser*> people = model_.PeopleFor(pending_);
  std::unordered_set<std::string> anchors;
  for (const auto& [anchor, at] : pending_) anchors.insert(anchor);
  std::vector<std::string> logins;
  for (const DirectoryUser* user : people) {
    anchors.insert(user->anchor);
    if (!user->login.empty()) logins.push_back(FoldLogin(user->login));
  }

  Result<std::unique_ptr<PmWriteTransaction>> txn = conns_.database->BeginWrite();
  if (!txn.ok()) return txn.status();
  const std::vector<std::string> anchor_list(anchors.begin(), anchors.end());
  Result<CurrentState> current = (*txn)->LoadPeople(anchor_list, logins);
  if (!current.ok()) return current.status();
  Diagnostics catalog_errors = CheckMappingAgainstCatalog(mapping, current->catalog);
  if (catalog_errors.has_errors()) {
    return Status::InvalidInput("the mappings do not match the PM database:\n" +
                                catalog_errors.ToString());
  }
  DesiredState desired =
      ResolvePeople(people, model_.index(), mapping, current->catalog, ResolveOptionsFor(config));
  PlanOptions plan_options;
  plan_options.users_base_dn = config.directory.users.base_dn;
  plan_options.only_anchors = &anchors;
  Plan plan = MakePlan(*current, desired, mapping.policy, plan_options);

  // The counts behind rules 6 and 7 cover the whole database: read them only when needed.
  int managed = 0;
  int supers_after = 0;
  bool grants_super = false;
  for (const Change& c : plan.changes) {
    grants_super = grants_super || (c.after.active && c.after.super_user);
  }
  if (plan.summary().disable > 0 || grants_super) {
    Result<ManagedCounts> counts = (*txn)->CountManaged();
    if (!counts.ok()) return counts.status();
    managed = counts->accounts;
    supers_after = counts->active_super_users - ManagedSuperUsersAfter(Plan{}, *current) +
                   ManagedSuperUsersAfter(plan, *current);
  }
  PlanLimits limits = LimitsFor(config, mapping, managed);
  limits.super_users_after = supers_after;
  const auto now = clock_.Now();
  GuardedPlan guarded = GuardPlan(std::move(plan), limits, guard_, Steady::now());
  const Plan& applied = guarded.plan;

  if (applied.has_changes()) {
    PMB_RETURN_IF_ERROR((*txn)->Apply(applied, AuditContext{env_.actor, ChangeEventName(), now}));
  }
  if (!position_.empty()) PMB_RETURN_IF_ERROR((*txn)->PutState(PositionName(), position_));
  PMB_RETURN_IF_ERROR((*txn)->Commit());
  const auto committed = Steady::now();

  for (const Change& c : applied.changes) {
    if (c.action != ChangeAction::kDisable) continue;
    auto it = pending_.find(c.anchor);
    if (it != pending_.end()) {
      metrics_.ObserveRemovalToDisable(std::chrono::duration<double>(committed - it->second));
    }
  }
  NoteHeld(anchor_list, guarded);
  Report(guarded, applied, "directory change", SIZE_MAX);
  metrics_.SetLastSuccessfulSync(now);
  metrics_.SetSyncPositionKnown(!position_.empty());
  pending_.clear();
  position_dirty_ = false;
  return Status::Ok();
}

Status Daemon::CheckAgainstCatalog(const Mapping& mapping, PmDatabase& database) {
  Result<std::unique_ptr<PmWriteTransaction>> txn = database.BeginWrite();
  if (!txn.ok()) {
    return txn.status().WithContext(
        "cannot check the new mappings against the PM database; send SIGHUP again once it "
        "is reachable");
  }
  Result<CurrentState> nobody = (*txn)->LoadPeople({}, {});  // the catalog alone
  if (!nobody.ok()) return nobody.status();
  Diagnostics errors = CheckMappingAgainstCatalog(mapping, nobody->catalog);
  if (errors.has_errors()) {
    return Status::InvalidInput("the mappings do not match the PM database:\n" + errors.ToString());
  }
  return Status::Ok();
}

void Daemon::NoteHeld(const std::vector<std::string>& touched_anchors, const GuardedPlan& guarded) {
  for (const std::string& anchor : touched_anchors) held_.erase(anchor);
  for (const Change& c : guarded.held_disables) held_[c.anchor] = c.login;
  metrics_.SetGuardHeldDisables(static_cast<std::int64_t>(held_.size()));
}

void Daemon::Report(const GuardedPlan& guarded, const Plan& applied, const std::string& event,
                    std::size_t max_lines) {
  std::size_t lines = 0;
  for (const Change& c : applied.changes) {
    if (++lines > max_lines) break;
    log_.Info("change.applied", {{"event", event},
                                 {"action", ChangeActionName(c.action)},
                                 {"login", c.login},
                                 {"dn", c.dn},
                                 {"why", c.reasons.empty() ? std::string() : c.reasons.front()}});
  }
  metrics_.RecordAppliedPlan(applied);
  for (const Conflict& c : applied.conflicts) {
    log_.Warning("change.conflict", {{"login", c.login}, {"detail", c.message}});
  }
  for (const std::string& alarm : guarded.alarms) {
    log_.Error("safety.held", {{"detail", alarm}});
  }
  if (!guarded.held_disables.empty()) metrics_.RecordGuardHold();
}

void Daemon::Reload() {
  if (env_.reloading) env_.reloading();
  log_.Info("reload.started");
  Result<std::unique_ptr<BridgeFiles>> next = env_.load_files();
  Result<DaemonConnections> next_conns =
      next.ok() ? env_.open((*next)->config) : Result<DaemonConnections>(next.status());
  if (next_conns.ok()) {
    // A mapping that names a module or provider the PM database lacks would stop every
    // change, departures included: check it before it replaces the one in force.
    Status matches = CheckAgainstCatalog((*next)->mapping, *next_conns->database);
    if (!matches.ok()) next_conns = std::move(matches);
  }
  if (!next_conns.ok()) {
    log_.Error("reload.refused", {{"error", next_conns.status().message()},
                                  {"kept", "the old config and mappings stay in force"}});
    if (env_.ready) env_.ready();
    return;
  }
  if (conns_.follower) conns_.follower->Stop();
  conns_ = std::move(next_conns).value();
  files_ = std::move(next).value();
  model_.SetMapping(files_->mapping, files_->config.directory.groups.nested);
  guard_.set_window(files_->config.daemon.disable_window);
  following_ = false;
  establish_why_ = "config reload";
  retry_at_ = {};
  backoff_ = milliseconds(0);
  pending_.clear();
  {
    std::lock_guard<std::mutex> lock(requests_mutex_);
    full_reason_.clear();
  }
  log_.Info("reload.done", {{"config", files_->config.path}, {"next", "reconciling everyone"}});
  if (env_.ready) env_.ready();
}

}  // namespace pmbridge
