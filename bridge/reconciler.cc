#include "bridge/reconciler.h"

#include <nlohmann/json.hpp>

#include <future>
#include <optional>
#include <utility>

namespace pmbridge {
namespace {

// The database is read on a thread of its own while the directory is read; where no thread
// can be started, the read runs when its result is asked for, after the directory's.
constexpr std::launch kAlongside = std::launch::async | std::launch::deferred;

}  // namespace

Reconciler::Reconciler(const Config& config, const Mapping& mapping, DirectorySource& directory,
                       PmDatabase& database, const Clock& clock)
    : config_(config),
      mapping_(mapping),
      directory_(directory),
      database_(database),
      clock_(clock) {}

Result<PreviewOutcome> Reconciler::Preview() {
  // Two independent reads, side by side: the database's takes no lock.
  std::future<Result<CurrentState>> current =
      std::async(kAlongside, [this] { return database_.LoadCurrentState(); });
  Result<DirectorySnapshot> snapshot = directory_.ReadSnapshot();
  Result<CurrentState> accounts = current.get();
  if (!snapshot.ok()) return snapshot.status();
  if (!accounts.ok()) return accounts.status();
  Result<Assessment> assessment = Assess(config_, mapping_, std::move(snapshot).value(), *accounts);
  if (!assessment.ok()) return assessment.status();
  return PreviewOutcome{std::move(accounts).value(), std::move(assessment).value()};
}

Result<ReconcileOutcome> Reconciler::Reconcile(const ReconcileRequest& request) {
  // The directory is read before the write lock is taken: a slow directory must not hold
  // the practice database locked. The accounts are read meanwhile, outside the lock, with
  // the database's commit version; they are kept only if the write transaction finds the
  // same version, that is, if nobody has committed anything since. Otherwise they are read
  // again under the lock. Either way the plan is made against what the lock holder sees.
  std::future<Result<VersionedState>> early =
      std::async(kAlongside, [this] { return database_.LoadVersionedState(); });
  // The groups come first and are indexed on a thread of their own while the users, most
  // of the read, come in.
  std::future<IndexedGroups> indexed;
  Result<DirectorySnapshot> snapshot = directory_.ReadSnapshotHandingOverGroups(
      [this, &indexed](std::vector<DirectoryGroup> groups) {
        indexed = std::async(kAlongside, [this, groups = std::move(groups)]() mutable {
          return IndexGroups(std::move(groups), mapping_, ResolveOptionsOf(config_));
        });
      });
  Result<VersionedState> early_state = early.get();
  if (!snapshot.ok()) return snapshot.status();

  Result<std::unique_ptr<PmWriteTransaction>> txn = database_.BeginWrite();
  if (!txn.ok()) return txn.status();
  std::optional<CurrentState> current;
  if (early_state.ok()) {
    Result<std::string> version = (*txn)->CommitVersion();
    if (!version.ok()) return version.status();
    if (*version == early_state->version) current = std::move(early_state->state);
    early_state->state = CurrentState();  // an outdated read is freed before the resolve
  }

  // Without a current early read: resolve, then load the accounts, so that the resolver's
  // membership index is freed before the accounts take its place (a 100k-person
  // reconcile's peak memory). Both reads are inside the transaction: one catalog.
  Result<Catalog> catalog = current ? current->catalog : (*txn)->LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  Result<Assessment> assessment =
      indexed.valid()
          ? ResolveAgainst(config_, mapping_, std::move(snapshot).value(), indexed.get(), *catalog)
          : ResolveAgainst(config_, mapping_, std::move(snapshot).value(), *catalog);
  if (!assessment.ok()) return assessment.status();
  if (!current) {
    Result<CurrentState> loaded = (*txn)->LoadCurrentState();
    if (!loaded.ok()) return loaded.status();
    current = std::move(loaded).value();
  }
  PlanAgainst(config_, mapping_, *current, *assessment, DesiredAfterPlan::kGiveUp);

  ReconcileOutcome outcome;
  outcome.assessment = std::move(assessment).value();
  outcome.current = std::move(*current);
  const Plan& plan = outcome.assessment.plan;
  if (outcome.assessment.verdict.Refused(request.force)) {
    outcome.result = ReconcileOutcome::Result::kRefused;
    return outcome;  // the transaction rolls back: nothing changed
  }
  if (request.dry_run) {
    outcome.result = ReconcileOutcome::Result::kDryRun;
    return outcome;
  }

  const auto now = clock_.Now();
  if (plan.has_changes()) {
    // From here on only the plan counts. The snapshot, desired state and accounts are a
    // few hundred bytes per person; dropped before the apply builds its rows, the peak of
    // a 100k-person first reconcile is that much lower.
    outcome.assessment.desired = DesiredState();
    outcome.assessment.snapshot = DirectorySnapshot();
    outcome.current = CurrentState();
    AuditContext context{request.actor, request.event, now};
    PMB_RETURN_IF_ERROR((*txn)->Apply(plan, context));
  }
  const bool forced = request.force && !outcome.assessment.verdict.guard_refusals.empty();
  PMB_RETURN_IF_ERROR((*txn)->PutState(
      kStateLastReconcile, LastReconcileRecord(plan, now, request.actor, request.event, forced)));
  PMB_RETURN_IF_ERROR((*txn)->Commit());
  outcome.result = plan.has_changes() ? ReconcileOutcome::Result::kApplied
                                      : ReconcileOutcome::Result::kNothingToDo;
  return outcome;
}

std::string LastReconcileRecord(const Plan& plan, std::chrono::system_clock::time_point at,
                                const std::string& actor, const std::string& event, bool forced,
                                std::optional<std::size_t> held_disables) {
  const Plan::Summary s = plan.summary();
  nlohmann::ordered_json record = {
      {"at", FormatTimestamp(at)},
      {"actor", actor},
      {"event", event},
      {"forced", forced},
      {"summary",
       {{"create", s.create},
        {"update", s.update},
        {"disable", s.disable},
        {"enable", s.enable},
        {"unchanged", s.unchanged}}},
      {"conflicts", plan.conflicts.size()},
  };
  if (held_disables) record["held_disables"] = *held_disables;
  return record.dump();
}

}  // namespace pmbridge
