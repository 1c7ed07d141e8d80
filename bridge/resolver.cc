#include "bridge/resolver.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace pmbridge {
namespace {

// Group DN -> its member values, for walking nested groups.
using GroupIndex = std::unordered_map<std::string_view, const DirectoryGroup*>;

struct Membership {
  const GroupRule* rule;
  std::string_view via;  // the nested group holding the person directly; empty if direct
};

// Collects, for one mapped group, every member DN reachable from it. Each group is
// entered once (a visited set), so membership cycles terminate.
void CollectMembers(const GroupRule& rule, const GroupIndex& groups, bool nested,
                    std::unordered_map<std::string_view, std::vector<Membership>>& out) {
  auto root = groups.find(rule.dn);
  if (root == groups.end()) return;
  std::vector<const DirectoryGroup*> stack{root->second};
  std::unordered_set<const DirectoryGroup*> visited{root->second};
  while (!stack.empty()) {
    const DirectoryGroup* group = stack.back();
    stack.pop_back();
    std::string_view via = group == root->second ? std::string_view() : group->dn;
    for (const std::string& member : group->members) {
      if (nested) {
        auto sub = groups.find(member);
        if (sub != groups.end()) {
          if (visited.insert(sub->second).second) stack.push_back(sub->second);
          continue;
        }
      }
      auto& list = out[member];
      // A person reached twice through the same rule (two nested paths) is granted once.
      if (std::none_of(list.begin(), list.end(),
                       [&](const Membership& m) { return m.rule == &rule; })) {
        list.push_back({&rule, via});
      }
    }
  }
}

AccountFields BaseFields(const DirectoryUser& user) {
  AccountFields f;
  f.login = user.login;
  f.first_name = user.first_name;
  f.last_name = user.last_name;
  f.middle_initial = user.middle_initial;
  f.email = user.email;
  f.active = true;
  return f;
}

void ApplyRole(const Role& role, const Catalog& catalog, AccountFields& fields) {
  if (role.all_rights) {
    for (const std::string& module : catalog.modules) fields.rights.Grant(module, kAllRights);
  } else {
    fields.rights.Merge(role.rights);
  }
  fields.super_user = fields.super_user || role.super_user;
  fields.access_security = fields.access_security || role.access_security;
}

}  // namespace

std::string FoldLogin(const std::string& login) {
  std::string out = login;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Grant::ToString() const {
  std::string out = "member of " + group_dn;
  if (!via.empty()) out += " (through " + via + ")";
  out += " -> role " + role;
  if (!rule.file.empty()) out += " (" + rule.ToString() + ")";
  return out;
}

DesiredState Resolve(const DirectorySnapshot& snapshot, const Mapping& mapping,
                     const Catalog& catalog, const ResolveOptions& options) {
  DesiredState state;
  state.directory_users = snapshot.users.size();
  state.warnings = snapshot.warnings;

  GroupIndex groups;
  groups.reserve(snapshot.groups.size());
  for (const DirectoryGroup& g : snapshot.groups) groups.emplace(g.dn, &g);

  std::unordered_map<std::string_view, std::vector<Membership>> members;
  members.reserve(snapshot.users.size());
  for (const GroupRule& rule : mapping.groups) {
    if (groups.find(rule.dn) == groups.end()) {
      state.warnings.push_back("mapped group " + rule.dn_as_written + " (" + rule.where.ToString() +
                               ") was not found in the directory: nobody is entitled through it");
    }
    CollectMembers(rule, groups, options.nested_groups, members);
  }

  // Entitlements, before the unique-login rule.
  std::vector<Entitlement> candidates;
  for (const DirectoryUser& user : snapshot.users) {
    auto it = members.find(user.dn);
    const bool in_mapped_group = it != members.end();
    std::string reason;
    if (!user.directory_disabled_reason.empty()) {
      reason = user.directory_disabled_reason;
    } else if (!in_mapped_group) {
      reason = "not a member of any mapped group";
    } else if (user.login.empty()) {
      reason = "the entry has no login attribute (" + options.login_attribute + ")";
      state.warnings.push_back(user.dn + " is in a mapped group but has no login attribute (" +
                               options.login_attribute + "): no account for it");
    }
    if (!reason.empty()) {
      state.ineligible_by_anchor.emplace(user.anchor, state.ineligible.size());
      state.ineligible.push_back({user, std::move(reason)});
      continue;
    }
    Entitlement e;
    e.user = user;
    e.fields = BaseFields(user);
    for (const Membership& m : it->second) {
      const Role& role = mapping.roles.at(m.rule->role);
      ApplyRole(role, catalog, e.fields);
      e.fields.providers.Merge(m.rule->providers);
      e.grants.push_back({m.rule->dn, std::string(m.via), m.rule->role, m.rule->where});
    }
    std::sort(e.grants.begin(), e.grants.end(),
              [](const Grant& a, const Grant& b) { return a.group_dn < b.group_dn; });
    candidates.push_back(std::move(e));
  }

  // Rule 4: one login, one person. Group candidates by folded login.
  std::map<std::string, std::vector<std::size_t>> by_login;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    by_login[FoldLogin(candidates[i].fields.login)].push_back(i);
  }
  for (auto& [folded, indexes] : by_login) {
    if (indexes.size() == 1) {
      state.entitled_by_anchor.emplace(candidates[indexes[0]].user.anchor, state.entitled.size());
      state.entitled.push_back(std::move(candidates[indexes[0]]));
      continue;
    }
    Conflict conflict;
    conflict.login = candidates[indexes[0]].fields.login;
    for (std::size_t i : indexes) {
      conflict.dns.push_back(candidates[i].user.dn);
      state.untouchable_anchors.insert(candidates[i].user.anchor);
    }
    std::sort(conflict.dns.begin(), conflict.dns.end());
    conflict.message = std::to_string(indexes.size()) +
                       " directory entries map to this login; none of them is created or "
                       "changed until only one does";
    state.conflicts.push_back(std::move(conflict));
  }
  return state;
}

}  // namespace pmbridge
