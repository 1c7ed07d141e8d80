#include "bridge/reconciler.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <utility>

namespace pmbridge {
namespace {

// The database is read on a thread of its own while the directory is read; where no thread
// can be started, the read runs when its result is asked for, after the directory's.
constexpr std::launch kAlongside = std::launch::async | std::launch::deferred;

// How many users a page's wait resolves at most: a page's worth and some, so that those
// read before the groups and catalog were ready are caught up over the next pages without
// holding up the read.
constexpr std::size_t kResolvedPerPage = 2000;

template <typename T>
bool Ready(const std::future<T>& result) {
  return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

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
  // The catalog of that read is also handed over as soon as it is in, before the
  // accounts, for the resolve to begin during the directory read.
  std::promise<std::shared_ptr<const Catalog>> early_catalog_promise;
  std::future<std::shared_ptr<const Catalog>> early_catalog = early_catalog_promise.get_future();
  std::future<Result<VersionedState>> early =
      std::async(kAlongside, [this, &early_catalog_promise] {
        bool handed = false;
        Result<VersionedState> state =
            database_.LoadVersionedState([&early_catalog_promise, &handed](const Catalog& c) {
              early_catalog_promise.set_value(std::make_shared<const Catalog>(c));
              handed = true;
            });
        if (!handed) early_catalog_promise.set_value(nullptr);
        return state;
      });
  // The groups come first and are indexed on a thread of their own while the users, most
  // of the read, come in; the users are resolved as each page of them is in, once both
  // the groups and the catalog are ready.
  std::future<IndexedGroups> indexed;
  std::optional<IndexedGroups> groups;
  std::shared_ptr<const Catalog> catalog_along;
  std::optional<ResolveAlongRead> along;
  DirectorySource::ReadHandoffs handoffs;
  handoffs.take_groups = [this, &indexed, &groups, &along](std::vector<DirectoryGroup> read) {
    along.reset();
    groups.reset();
    indexed = std::async(kAlongside, [this, read = std::move(read)]() mutable {
      return IndexGroups(std::move(read), mapping_, ResolveOptionsOf(config_));
    });
  };
  handoffs.watch_users = [&](const std::vector<DirectoryUser>& users,
                             DirectorySource::UsersEvent event) {
    if (event == DirectorySource::UsersEvent::kMoving) {
      if (along) along->GiveUp();
      return;
    }
    if (!groups && indexed.valid() && Ready(indexed)) groups.emplace(indexed.get());
    if (!catalog_along && early_catalog.valid() && Ready(early_catalog)) {
      catalog_along = early_catalog.get();
    }
    if (!groups || !catalog_along) return;
    if (!along) along.emplace(mapping_, ResolveOptionsOf(config_));
    along->Advance(users, *groups, *catalog_along, kResolvedPerPage);
  };
  Result<DirectorySnapshot> snapshot = directory_.ReadSnapshotHandingOver(handoffs);
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
  if (!groups && indexed.valid()) groups.emplace(indexed.get());
  Result<Assessment> assessment =
      groups ? ResolveAgainst(config_, mapping_, std::move(snapshot).value(), std::move(*groups),
                              *catalog, along ? &*along : nullptr)
             : ResolveAgainst(config_, mapping_, std::move(snapshot).value(), *catalog);
  along.reset();  // its lists of the users, some 6 MB at 100k, are not needed any more
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
