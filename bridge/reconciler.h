// The reconcile recipe, as ldap2pg reads: inspect the directory, inspect the database,
// compute what is wanted, diff, check safety, apply — and commit the changes, their audit
// rows and the sync position in one transaction (behaviour rules 5, 6, 8, 9).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "bridge/assessment.h"
#include "bridge/clock.h"
#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/directory_source.h"
#include "bridge/pm_database.h"

namespace pmbridge {

struct ReconcileRequest {
  bool dry_run = false;  // compute and check, change nothing
  bool force = false;    // override the mass-disable guard and the empty-read refusal
  std::string actor;     // for the audit rows
  std::string event = "full reconcile";
};

struct PreviewOutcome {
  CurrentState current;
  Assessment assessment;
};

struct ReconcileOutcome {
  enum class Result { kApplied, kNothingToDo, kRefused, kDryRun };
  Result result = Result::kNothingToDo;
  // The plan and the verdict. The desired state's account fields have moved into the plan.
  // When the plan has changes to apply, the snapshot, the desired state and `current` are
  // freed before the apply, to keep its peak memory low; otherwise they are left here, for
  // the caller to free or (a one-shot command) to leave to the process's exit.
  Assessment assessment;
  // The accounts the plan was made against.
  CurrentState current;
};

class Reconciler {
 public:
  Reconciler(const Config& config, const Mapping& mapping, DirectorySource& directory,
             PmDatabase& database, const Clock& clock);

  // Reads both sides and assesses, without taking the write lock (for `plan`, `explain`).
  // A directory read that fails for any reason is an error: nothing is planned from it.
  ::pmbridge::Result<PreviewOutcome> Preview();

  // Reads the directory, then in one write transaction reads the database, assesses,
  // and — unless refused or a dry run — applies the plan and records the reconcile in
  // pmbridge_state. Nothing is written when anything fails. The database is read early,
  // alongside the directory, and that read is used only when the write transaction finds
  // nothing committed since (PmDatabase::LoadVersionedState); else it is read again.
  ::pmbridge::Result<ReconcileOutcome> Reconcile(const ReconcileRequest& request);

 private:
  const Config& config_;
  const Mapping& mapping_;
  DirectorySource& directory_;
  PmDatabase& database_;
  const Clock& clock_;
};

// pmbridge_state names.
inline constexpr const char* kStateLastReconcile = "last_reconcile";

// The kStateLastReconcile value (JSON) for a full reconcile that applied `plan`: when, by
// whom, why, whether a guard was forced, the summary and the conflicts, and, from the
// daemon, how many disables its guard held back.
std::string LastReconcileRecord(const Plan& plan, std::chrono::system_clock::time_point at,
                                const std::string& actor, const std::string& event, bool forced,
                                std::optional<std::size_t> held_disables = std::nullopt);

}  // namespace pmbridge
