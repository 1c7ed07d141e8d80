#include "bridge/daemon/guarded_plan.h"

namespace pmbridge {
namespace {

bool GrantsSuperUser(const Change& c) {
  const bool was_super = c.before && c.before->active && c.before->super_user;
  return c.after.active && c.after.super_user && !was_super;
}

std::string Logins(const std::vector<Change>& changes) {
  std::string out;
  for (const Change& c : changes) out += (out.empty() ? "" : ", ") + c.login;
  return out;
}

}  // namespace

GuardedPlan GuardPlan(Plan plan, const PlanLimits& limits, DisableGuard& guard,
                      DisableGuard::TimePoint now) {
  GuardedPlan out;
  std::vector<Change> kept;
  std::vector<Change> disables;
  const bool over_cap = limits.super_users_after > limits.max_super_users;
  for (Change& c : plan.changes) {
    if (over_cap && GrantsSuperUser(c)) {
      out.refused_grants.push_back(std::move(c));
    } else if (c.action == ChangeAction::kDisable) {
      disables.push_back(std::move(c));
    } else {
      kept.push_back(std::move(c));
    }
  }
  if (!out.refused_grants.empty()) {
    out.alarms.push_back("super-user rights for " + Logins(out.refused_grants) +
                         " not granted: " + std::to_string(limits.super_users_after) +
                         " active super users would exceed policy.max_super_users (" +
                         std::to_string(limits.max_super_users) +
                         "); remove people from the super-user groups or raise the cap");
  }
  if (!disables.empty()) {
    if (limits.empty_read) {
      out.alarms.push_back(
          std::to_string(disables.size()) +
          " disables held: the directory returned no users at all, which looks like a broken "
          "directory, not like everyone leaving. If everyone really left, run `pmbridge "
          "reconcile --force`");
      out.held_disables = std::move(disables);
    } else if (!guard.Admit(disables.size(), limits.disable_limit, now)) {
      out.alarms.push_back(
          std::to_string(disables.size()) + " disables held (" + Logins(disables) + "): with " +
          std::to_string(guard.InWindow(now)) + " already applied in the last " +
          std::to_string(limits.window.count()) +
          "s this would exceed safety.max_disables_per_run (" + limits.disable_limit_text +
          "). Check the directory; if the departures are real, run `pmbridge reconcile "
          "--force`");
      out.held_disables = std::move(disables);
    } else {
      for (Change& c : disables) kept.push_back(std::move(c));
    }
  }
  plan.changes = std::move(kept);
  out.plan = std::move(plan);
  return out;
}

}  // namespace pmbridge
