// Safety rules 5 (an empty read is not everyone leaving), 6 (mass-disable guard) and 7
// (super-user cap) of DESIGN.md, checked on a finished plan before anything is applied.
#pragma once

#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"

namespace pmbridge {

struct SafetyVerdict {
  // Refusals `--force` may override: the mass-disable guard, the empty directory read.
  std::vector<std::string> guard_refusals;
  // Refusals nothing overrides but a mapping or directory change: a plan that grants
  // super-user rights past policy.max_super_users.
  std::vector<std::string> policy_refusals;

  bool Refused(bool force) const {
    return !policy_refusals.empty() || (!force && !guard_refusals.empty());
  }
  // Every refusal, one per line, each saying what to do.
  std::string ToString() const;
};

// Checks `plan` against the state it was made from. `directory_users` is how many users
// the (complete) directory read returned.
SafetyVerdict CheckSafety(const Plan& plan, const CurrentState& current,
                          std::size_t directory_users, const SafetyConfig& safety,
                          const MappingPolicy& policy);

// Active super users among managed accounts once `plan` is applied to `current`.
int ManagedSuperUsersAfter(const Plan& plan, const CurrentState& current);

}  // namespace pmbridge
