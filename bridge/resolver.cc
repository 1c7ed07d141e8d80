#include "bridge/resolver.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace pmbridge {
namespace {

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

std::vector<std::string> MissingGroupWarnings(const Mapping& mapping,
                                              const MembershipIndex& index) {
  std::vector<std::string> out;
  for (const GroupRule& rule : mapping.groups) {
    if (!index.HasGroup(rule.dn)) {
      out.push_back("mapped group " + rule.dn_as_written + " (" + rule.where.ToString() +
                    ") was not found in the directory: nobody is entitled through it");
    }
  }
  return out;
}

DesiredState Resolve(const DirectorySnapshot& snapshot, const Mapping& mapping,
                     const Catalog& catalog, const ResolveOptions& options) {
  MembershipIndex index(mapping, options.nested_groups);
  for (const DirectoryGroup& g : snapshot.groups) index.PutGroup(g.dn, g.members);
  std::vector<const DirectoryUser*> users;
  users.reserve(snapshot.users.size());
  for (const DirectoryUser& user : snapshot.users) users.push_back(&user);
  DesiredState state = ResolvePeople(users, index, mapping, catalog, options);
  std::vector<std::string> warnings = snapshot.warnings;
  for (std::string& w : MissingGroupWarnings(mapping, index)) warnings.push_back(std::move(w));
  for (std::string& w : state.warnings) warnings.push_back(std::move(w));
  state.warnings = std::move(warnings);
  return state;
}

DesiredState ResolvePeople(const std::vector<const DirectoryUser*>& users,
                           const MembershipIndex& index, const Mapping& mapping,
                           const Catalog& catalog, const ResolveOptions& options) {
  DesiredState state;
  state.directory_users = users.size();

  // Entitlements, before the unique-login rule.
  std::vector<Entitlement> candidates;
  candidates.reserve(users.size());
  for (const DirectoryUser* person : users) {
    const DirectoryUser& user = *person;
    const std::vector<MappedMembership> memberships = index.MappedGroupsOf(user.dn);
    const bool in_mapped_group = !memberships.empty();
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
    for (const MappedMembership& m : memberships) {
      const Role& role = mapping.roles.at(m.rule->role);
      ApplyRole(role, catalog, e.fields);
      e.fields.providers.Merge(m.rule->providers);
      e.grants.push_back({m.rule->dn, m.via, m.rule->role, m.rule->where});
    }
    std::sort(e.grants.begin(), e.grants.end(),
              [](const Grant& a, const Grant& b) { return a.group_dn < b.group_dn; });
    candidates.push_back(std::move(e));
  }

  // Rule 4: one login, one person. Candidates sorted by folded login (stable, so people
  // sharing a login stay in directory order), then each run of one login is one person or
  // a conflict.
  std::vector<std::pair<std::string, std::size_t>> by_login;
  by_login.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    by_login.emplace_back(FoldLogin(candidates[i].fields.login), i);
  }
  std::stable_sort(by_login.begin(), by_login.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  state.entitled.reserve(candidates.size());
  state.entitled_by_anchor.reserve(candidates.size());
  std::vector<std::size_t> indexes;
  for (std::size_t run = 0; run < by_login.size();) {
    std::size_t end = run + 1;
    while (end < by_login.size() && by_login[end].first == by_login[run].first) ++end;
    indexes.clear();
    for (std::size_t k = run; k < end; ++k) indexes.push_back(by_login[k].second);
    run = end;
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
