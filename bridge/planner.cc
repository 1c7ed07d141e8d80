#include "bridge/planner.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_set>

#include "bridge/accounts_by_id.h"
#include "bridge/link_finder.h"
#include "bridge/login_holders.h"
#include "bridge/resolver.h"

namespace pmbridge {
namespace {

// What differs between two account field sets, one phrase per field, for reasons.
std::vector<std::string> Differences(const AccountFields& before, const AccountFields& after) {
  std::vector<std::string> out;
  auto text = [&out](const char* name, const std::string& a, const std::string& b) {
    if (a != b) out.push_back(std::string(name) + ": \"" + a + "\" -> \"" + b + "\"");
  };
  auto flag = [&out](const char* name, bool a, bool b) {
    if (a != b)
      out.push_back(std::string(name) + ": " + (a ? "yes" : "no") + " -> " + (b ? "yes" : "no"));
  };
  if (before.login != after.login) {
    out.push_back("login renamed in the directory: " + before.login + " -> " + after.login);
  }
  text("last name", before.last_name, after.last_name);
  text("first name", before.first_name, after.first_name);
  text("middle initial", before.middle_initial, after.middle_initial);
  text("email", before.email, after.email);
  flag("active", before.active, after.active);
  flag("super user", before.super_user, after.super_user);
  flag("access security", before.access_security, after.access_security);
  if (before.rights != after.rights) {
    std::string a = before.rights.ToString(), b = after.rights.ToString();
    out.push_back("rights: " + (a.empty() ? std::string("none") : a) + " -> " +
                  (b.empty() ? std::string("none") : b));
  }
  if (before.providers != after.providers) {
    out.push_back("providers: " + before.providers.ToString() + " -> " +
                  after.providers.ToString());
  }
  return out;
}

bool IsFullyDisabled(const AccountFields& f) { return f == DisabledFields(f); }

std::vector<std::string> GrantReasons(const Entitlement& e) {
  std::vector<std::string> out;
  out.reserve(e.grants.size());
  for (const Grant& g : e.grants) out.push_back(g.ToString());
  return out;
}

}  // namespace

AccountFields DisabledFields(const AccountFields& fields) {
  AccountFields f = fields;
  f.active = false;
  f.super_user = false;
  f.access_security = false;
  f.rights = RightSet();
  f.providers = ProviderScope();
  return f;
}

namespace {

// MakePlan for a const desired state (copies each person's fields into their change) and
// for one the caller gives up (moves them: a first reconcile's 100k accounts are not held
// twice).
template <typename Desired>
Plan Diff(const CurrentState& current, Desired& desired, const MappingPolicy& policy,
          const PlanOptions& options) {
  constexpr bool kTakeFields = !std::is_const_v<Desired>;
  Plan plan;
  plan.warnings = desired.warnings;
  plan.conflicts = desired.conflicts;

  std::unordered_set<std::string> protected_logins;
  for (const std::string& login : policy.protected_logins)
    protected_logins.insert(FoldLogin(login));

  // Each link's account, found by user_id in a sorted list (no hash node per account), and
  // which accounts are managed.
  const AccountsById accounts_by_id(current.accounts);
  std::vector<const PmAccount*> link_account(current.links.size());
  std::vector<char> managed(current.accounts.size());
  std::size_t by_id_cursor = 0;
  for (std::size_t i = 0; i < current.links.size(); ++i) {
    link_account[i] = accounts_by_id.FindFrom(current.links[i].user_id, by_id_cursor);
    if (link_account[i] != nullptr) managed[link_account[i] - current.accounts.data()] = 1;
  }
  LoginHolders login_holders(current.accounts);
  LinkFinder links(current.links);
  // The links found for an entitled person, who keeps their account.
  std::vector<char> link_entitled(current.links.size());

  std::vector<Change> creates, enables, updates, disables;
  // Capacity is only address space until used; without it a first reconcile's 100k
  // creates regrow 17 times, each time moving every change.
  creates.reserve(desired.entitled.size());

  for (auto& e : desired.entitled) {
    const std::string folded = FoldLogin(e.user->login);
    const PmAccount* linked = nullptr;
    if (std::optional<std::size_t> link = links.Find(e.user->anchor)) {
      link_entitled[*link] = 1;
      linked = link_account[*link];
    }
    if (protected_logins.count(folded) != 0 ||
        (linked != nullptr && protected_logins.count(FoldLogin(linked->fields.login)) != 0)) {
      plan.warnings.push_back("protected login " + e.user->login + " (" + e.user->dn +
                              ") is in a mapped group; the bridge does not touch it");
      continue;
    }
    // Whoever holds the desired login in the PM database, if it is not this person.
    const PmAccount* holder = login_holders.FirstHolder(folded);
    const PmAccount* other_holder = holder != linked ? holder : nullptr;
    if (other_holder != nullptr) {
      Conflict c;
      c.login = e.user->login;
      c.dns.push_back(e.user->dn);
      const bool holder_managed = managed[other_holder - current.accounts.data()] != 0;
      c.message = std::string("the PM database already has ") +
                  (holder_managed ? "another managed" : "an unmanaged") +
                  " account with this login (user_id " + std::to_string(other_holder->user_id) +
                  ", auth_source " + other_holder->auth_source +
                  "); it is never taken over silently: rename one of them" +
                  (holder_managed ? "" : ", or remove the PM account if it is the same person");
      plan.conflicts.push_back(std::move(c));
      continue;
    }
    // Most people of a full reconcile are unchanged: nothing is built for them.
    if (linked != nullptr && HasDesiredFields(linked->fields, e)) {
      ++plan.unchanged;
      continue;
    }
    Change change;
    change.login = e.user->login;
    change.anchor = e.user->anchor;
    change.dn = e.user->dn;
    auto take_fields = [&e, &change] {
      if constexpr (kTakeFields) {
        change.after = TakeDesiredFields(e);
      } else {
        change.after = DesiredFields(e);
      }
    };
    if (linked == nullptr) {
      change.action = ChangeAction::kCreate;
      change.reasons = GrantReasons(e);
      take_fields();
      creates.push_back(std::move(change));
      continue;
    }
    change.user_id = linked->user_id;
    change.before = linked->fields;
    take_fields();
    change.reasons = Differences(linked->fields, change.after);
    for (std::string& r : GrantReasons(e)) change.reasons.push_back(std::move(r));
    if (!linked->fields.active) {
      change.action = ChangeAction::kEnable;
      change.reasons.insert(change.reasons.begin(), "entitled again in the directory");
      enables.push_back(std::move(change));
    } else {
      change.action = ChangeAction::kUpdate;
      updates.push_back(std::move(change));
    }
  }

  // Managed accounts whose person is no longer entitled. A link no entitled person was
  // matched to is checked against all of their anchors (built only if there is one): its
  // anchor may repeat a matched link's, which pmbridge_links forbids but the plan must not
  // depend on.
  std::unordered_set<std::string_view> entitled_anchors;
  for (std::size_t i = 0; i < current.links.size(); ++i) {
    const AccountLink& link = current.links[i];
    if (link_entitled[i] != 0) continue;
    if (entitled_anchors.empty()) {
      for (const auto& e : desired.entitled) entitled_anchors.insert(e.user->anchor);
    }
    if (entitled_anchors.count(link.anchor) != 0) continue;
    if (desired.untouchable_anchors.count(link.anchor) != 0) continue;
    if (options.only_anchors != nullptr && options.only_anchors->count(link.anchor) == 0) continue;
    if (link_account[i] == nullptr) continue;
    const PmAccount& account = *link_account[i];
    if (protected_logins.count(FoldLogin(account.fields.login)) != 0) continue;
    if (IsFullyDisabled(account.fields)) {
      ++plan.unchanged;
      continue;
    }
    Change change;
    change.action = ChangeAction::kDisable;
    change.login = account.fields.login;
    change.anchor = link.anchor;
    change.user_id = account.user_id;
    change.before = account.fields;
    change.after = DisabledFields(account.fields);
    auto ineligible = desired.ineligible_by_anchor.find(link.anchor);
    if (ineligible != desired.ineligible_by_anchor.end()) {
      const Ineligible& who = desired.ineligible[ineligible->second];
      change.dn = who.user->dn;
      change.disabled_reason = who.reason;
    } else {
      change.dn = link.dn;  // where the person was last seen
      change.disabled_reason =
          "no longer in the directory: the entry was deleted or moved out of " +
          (options.users_base_dn.empty() ? std::string("the users base") : options.users_base_dn);
    }
    change.reasons.push_back(change.disabled_reason);
    if (!account.fields.active)
      change.reasons.push_back("the disabled account had regained access");
    disables.push_back(std::move(change));
  }

  // Rule 7: unmanaged active accounts are not the bridge's, but someone must look at them.
  std::vector<const PmAccount*> unmanaged;
  for (const PmAccount& a : current.accounts) {
    if (options.only_anchors != nullptr) break;
    if (a.fields.active && managed[&a - current.accounts.data()] == 0) unmanaged.push_back(&a);
  }
  std::stable_sort(unmanaged.begin(), unmanaged.end(), [](const PmAccount* a, const PmAccount* b) {
    if (a->fields.super_user != b->fields.super_user) return a->fields.super_user;
    return a->fields.login < b->fields.login;
  });
  for (const PmAccount* a : unmanaged) {
    const bool is_protected = protected_logins.count(FoldLogin(a->fields.login)) != 0;
    plan.warnings.push_back(
        std::string("unmanaged active ") + (a->fields.super_user ? "super-user " : "") +
        "account " + a->fields.login + " (user_id " + std::to_string(a->user_id) +
        (is_protected ? ", protected" : "") + "): not managed by the directory; review it");
  }

  auto by_login = [](const Change& a, const Change& b) { return a.login < b.login; };
  for (auto* list : {&creates, &enables, &updates, &disables}) {
    std::sort(list->begin(), list->end(), by_login);
  }
  // The creates become the plan's list (all of a first reconcile: no second copy of 100k
  // changes); the rest are appended in order.
  plan.changes = std::move(creates);
  plan.changes.reserve(plan.changes.size() + enables.size() + updates.size() + disables.size());
  for (auto* list : {&enables, &updates, &disables}) {
    for (Change& c : *list) plan.changes.push_back(std::move(c));
  }
  std::sort(plan.conflicts.begin(), plan.conflicts.end(),
            [](const Conflict& a, const Conflict& b) { return a.login < b.login; });
  return plan;
}

}  // namespace

Plan MakePlan(const CurrentState& current, const DesiredState& desired, const MappingPolicy& policy,
              const PlanOptions& options) {
  return Diff(current, desired, policy, options);
}

Plan MakePlan(const CurrentState& current, DesiredState&& desired, const MappingPolicy& policy,
              const PlanOptions& options) {
  return Diff(current, desired, policy, options);
}

}  // namespace pmbridge
