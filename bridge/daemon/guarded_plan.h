// The daemon's safety rules on a finished plan (rules 5, 6, 7 of DESIGN.md): unlike
// `reconcile`, which refuses a whole run, the daemon holds back only the changes a rule
// stops and lets everything else flow.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bridge/disable_guard.h"
#include "bridge/plan.h"

namespace pmbridge {

struct GuardedPlan {
  Plan plan;                           // what may be applied now
  std::vector<Change> held_disables;   // held by the mass-disable guard or the empty read
  std::vector<Change> refused_grants;  // super-user grants past policy.max_super_users
  std::vector<std::string> alarms;     // one line per rule that held something back
};

struct PlanLimits {
  // Active managed super users once the whole plan is applied, across the database.
  int super_users_after = 0;
  int max_super_users = 2;
  int disable_limit = 1;           // safety.max_disables_per_run for today's managed count
  std::string disable_limit_text;  // "25" or "5% of 400 managed accounts = 20"
  std::chrono::seconds window{0};
  // The directory returned no users while managed accounts are active: hold all disables.
  bool empty_read = false;
};

// Splits `plan`. Admitted disables are recorded in `guard` at `now`.
GuardedPlan GuardPlan(Plan plan, const PlanLimits& limits, DisableGuard& guard,
                      DisableGuard::TimePoint now);

}  // namespace pmbridge
