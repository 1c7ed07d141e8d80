#include "bridge/safety.h"

#include <unordered_map>

namespace pmbridge {

int ManagedSuperUsersAfter(const Plan& plan, const CurrentState& current) {
  std::unordered_map<std::int64_t, bool> super_by_id;  // managed accounts only
  std::unordered_map<std::int64_t, const PmAccount*> account_by_id;
  for (const PmAccount& a : current.accounts) account_by_id.emplace(a.user_id, &a);
  for (const AccountLink& l : current.links) {
    auto it = account_by_id.find(l.user_id);
    if (it != account_by_id.end()) {
      super_by_id[l.user_id] = it->second->fields.active && it->second->fields.super_user;
    }
  }
  int created_supers = 0;
  for (const Change& c : plan.changes) {
    const bool is_super = c.after.active && c.after.super_user;
    if (c.user_id) {
      super_by_id[*c.user_id] = is_super;
    } else if (is_super) {
      ++created_supers;
    }
  }
  int count = created_supers;
  for (const auto& [id, is_super] : super_by_id) count += is_super ? 1 : 0;
  return count;
}

SafetyVerdict CheckSafety(const Plan& plan, const CurrentState& current,
                          std::size_t directory_users, const SafetyConfig& safety,
                          const MappingPolicy& policy) {
  SafetyVerdict verdict;
  const Plan::Summary summary = plan.summary();

  std::unordered_map<std::int64_t, bool> active_by_id;
  for (const PmAccount& a : current.accounts) active_by_id.emplace(a.user_id, a.fields.active);
  int managed = 0, managed_active = 0;
  for (const AccountLink& l : current.links) {
    ++managed;
    auto it = active_by_id.find(l.user_id);
    if (it != active_by_id.end() && it->second) ++managed_active;
  }

  if (directory_users == 0 && managed_active > 0) {
    verdict.guard_refusals.push_back(
        "the directory returned no users at all while " + std::to_string(managed_active) +
        " managed accounts are active: an empty read looks like a broken directory, not like "
        "everyone leaving. Check the users base and filter; if everyone really left, rerun with "
        "--force");
  }

  const int limit = safety.max_disables_per_run.Limit(managed);
  if (summary.disable > limit) {
    verdict.guard_refusals.push_back(
        std::to_string(summary.disable) +
        " accounts would be disabled, more than "
        "safety.max_disables_per_run (" +
        safety.max_disables_per_run.ToString() + " = " + std::to_string(limit) + " of " +
        std::to_string(managed) +
        " managed accounts). Read the plan; if it is right, rerun with --force");
  }

  // The cap refuses plans that grant super-user rights past it. A plan that only takes
  // rights away is never refused by it: a lowered cap must not block a departure.
  std::string granted;
  for (const Change& c : plan.changes) {
    const bool was_super = c.before && c.before->active && c.before->super_user;
    if (c.after.active && c.after.super_user && !was_super) {
      granted += (granted.empty() ? "" : ", ") + c.after.login;
    }
  }
  const int supers = ManagedSuperUsersAfter(plan, current);
  if (supers > policy.max_super_users && !granted.empty()) {
    verdict.policy_refusals.push_back(
        "the plan would leave " + std::to_string(supers) +
        " active super users among managed accounts, more than policy.max_super_users (" +
        std::to_string(policy.max_super_users) + "), by granting super-user rights to " + granted +
        ". Remove people from the super-user groups, or raise the cap in the mapping");
  }
  return verdict;
}

std::string SafetyVerdict::ToString() const {
  std::string out;
  for (const std::string& r : policy_refusals) out += "refused: " + r + "\n";
  for (const std::string& r : guard_refusals) out += "refused: " + r + "\n";
  return out;
}

}  // namespace pmbridge
