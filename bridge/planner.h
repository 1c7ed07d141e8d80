// The planner: diff(current PM state, desired state) restricted to the managed set
// (behaviour rules 1, 3, 4 and 7's warnings). Pure: no I/O, no clock.
#pragma once

#include <string>
#include <unordered_set>

#include "bridge/config/mapping.h"
#include "bridge/desired_state.h"
#include "bridge/plan.h"
#include "bridge/pm_state.h"

namespace pmbridge {

struct PlanOptions {
  std::string users_base_dn;  // for the "moved out of the base" reason
  // A partial plan (the daemon's per-person path): only links whose anchor is listed may
  // be disabled, and unmanaged accounts are not reported — `current` then holds only
  // the people concerned, not the whole database.
  const std::unordered_set<std::string>* only_anchors = nullptr;
};

// Builds the plan that brings the managed accounts of `current` to `desired`:
// - an entitled person with no link gets a create, unless a PM account already uses the
//   login (a conflict: unmanaged accounts are never taken over);
// - a linked account gets an update (fields differ, including a login rename) or an
//   enable (it was disabled) — the same user_id either way;
// - a linked account whose person is no longer entitled gets a disable, unless it is
//   already fully disabled;
// - protected logins and untouchable (conflicted) people are never touched;
// - unmanaged active accounts are named as warnings (super users first).
Plan MakePlan(const CurrentState& current, const DesiredState& desired, const MappingPolicy& policy,
              const PlanOptions& options);
// The same plan, taking the entitled people's fields out of `desired` instead of copying
// them; `desired` is left with those fields empty.
Plan MakePlan(const CurrentState& current, DesiredState&& desired, const MappingPolicy& policy,
              const PlanOptions& options);

// The fields of an account the bridge has disabled: inactive, no flags, no rights, no
// providers, the person's names and login kept.
AccountFields DisabledFields(const AccountFields& fields);

}  // namespace pmbridge
