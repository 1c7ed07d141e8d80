// Assess: the pure heart of `plan`, `reconcile` and `explain` — given a complete
// directory snapshot and the PM database state, resolve, plan and check safety.
#pragma once

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/desired_state.h"
#include "bridge/directory_snapshot.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"
#include "bridge/safety.h"
#include "bridge/status.h"

namespace pmbridge {

struct Assessment {
  DesiredState desired;
  Plan plan;
  SafetyVerdict verdict;
};

// kInvalidInput (with every diagnostic in the message) when the mapping names modules or
// provider codes the PM database does not have; otherwise the desired state, the plan and
// the safety verdict.
Result<Assessment> Assess(const Config& config, const Mapping& mapping,
                          const DirectorySnapshot& snapshot, const CurrentState& current);

}  // namespace pmbridge
