// Assess: the pure heart of `plan`, `reconcile` and `explain` — given a complete
// directory snapshot and the PM database state, resolve, plan and check safety.
#pragma once

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/desired_state.h"
#include "bridge/directory_snapshot.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"
#include "bridge/resolver.h"
#include "bridge/safety.h"
#include "bridge/status.h"

namespace pmbridge {

// Move-only. It owns the snapshot that `desired` points into.
struct Assessment {
  DirectorySnapshot snapshot;  // users and warnings; the groups are dropped once resolved
  DesiredState desired;
  Plan plan;
  SafetyVerdict verdict;
};

// kInvalidInput (with every diagnostic in the message) when the mapping names modules or
// provider codes the PM database does not have; otherwise the desired state, the plan and
// the safety verdict.
Result<Assessment> Assess(const Config& config, const Mapping& mapping, DirectorySnapshot snapshot,
                          const CurrentState& current);

// Assess in two steps, for a caller that wants the resolver's working memory (the
// membership index) gone before it loads the PM state: the desired state from the
// snapshot and the catalog, then the plan and verdict against the current state, which
// must carry the same catalog.
Result<Assessment> ResolveAgainst(const Config& config, const Mapping& mapping,
                                  DirectorySnapshot snapshot, const Catalog& catalog);
// The same, with the snapshot's groups already indexed (IndexGroups), finishing `along`
// when it was begun during the read (ResolveIndexedGroups says when it is not).
Result<Assessment> ResolveAgainst(const Config& config, const Mapping& mapping,
                                  DirectorySnapshot snapshot, IndexedGroups groups,
                                  const Catalog& catalog, ResolveAlongRead* along = nullptr);
// The resolver's options under `config`.
ResolveOptions ResolveOptionsOf(const Config& config);
// kKeep leaves `desired` whole (explain reads it); kGiveUp moves each person's fields into
// the plan (a reconcile that applies the plan needs them only there).
enum class DesiredAfterPlan { kKeep, kGiveUp };
void PlanAgainst(const Config& config, const Mapping& mapping, const CurrentState& current,
                 Assessment& assessment, DesiredAfterPlan desired_after = DesiredAfterPlan::kKeep);

}  // namespace pmbridge
