#include "bridge/safety.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "bridge/accounts_by_id.h"

namespace pmbridge {

namespace {

bool ActiveSuperUser(const AccountFields& f) { return f.active && f.super_user; }

int SuperUsersAfter(const Plan& plan, const CurrentState& current, const AccountsById& accounts) {
  // The accounts the plan changes count as they will be; creates count when they are
  // super users.
  std::unordered_map<std::int64_t, bool> changed;
  int count = 0;
  for (const Change& c : plan.changes) {
    const bool is_super = ActiveSuperUser(c.after);
    if (c.user_id) {
      changed[*c.user_id] = is_super;
    } else if (is_super) {
      ++count;
    }
  }
  for (const auto& [id, is_super] : changed) count += is_super ? 1 : 0;
  // Every other managed account as it is, once.
  std::vector<std::int64_t> unchanged;
  unchanged.reserve(current.links.size());
  for (const AccountLink& l : current.links) {
    if (changed.count(l.user_id) == 0) unchanged.push_back(l.user_id);
  }
  if (!std::is_sorted(unchanged.begin(), unchanged.end())) {
    std::sort(unchanged.begin(), unchanged.end());
  }
  unchanged.erase(std::unique(unchanged.begin(), unchanged.end()), unchanged.end());
  std::size_t cursor = 0;
  for (std::int64_t id : unchanged) {
    const PmAccount* account = accounts.FindFrom(id, cursor);
    if (account != nullptr && ActiveSuperUser(account->fields)) ++count;
  }
  return count;
}

}  // namespace

int ManagedSuperUsersAfter(const Plan& plan, const CurrentState& current) {
  return SuperUsersAfter(plan, current, AccountsById(current.accounts));
}

SafetyVerdict CheckSafety(const Plan& plan, const CurrentState& current,
                          std::size_t directory_users, const SafetyConfig& safety,
                          const MappingPolicy& policy) {
  SafetyVerdict verdict;
  const Plan::Summary summary = plan.summary();

  const AccountsById accounts(current.accounts);
  int managed = 0, managed_active = 0;
  std::size_t cursor = 0;
  for (const AccountLink& l : current.links) {
    ++managed;
    const PmAccount* account = accounts.FindFrom(l.user_id, cursor);
    if (account != nullptr && account->fields.active) ++managed_active;
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
    const bool was_super = c.before && ActiveSuperUser(*c.before);
    if (ActiveSuperUser(c.after) && !was_super) {
      granted += (granted.empty() ? "" : ", ") + c.after.login;
    }
  }
  const int supers = SuperUsersAfter(plan, current, accounts);
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
