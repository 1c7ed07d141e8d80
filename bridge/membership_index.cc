#include "bridge/membership_index.h"

#include <algorithm>
#include <unordered_set>

namespace pmbridge {
namespace {

bool ByDn(const std::string* a, const std::string* b) { return *a < *b; }

}  // namespace

MembershipIndex::MembershipIndex(const Mapping& mapping, bool nested) {
  SetMapping(mapping, nested);
}

void MembershipIndex::SetMapping(const Mapping& mapping, bool nested) {
  rules_.clear();
  for (const GroupRule& rule : mapping.groups) rules_.emplace(rule.dn, &rule);
  nested_ = nested;
  rules_of_.clear();
}

void MembershipIndex::Link(const std::string* group, const std::vector<std::string>& members) {
  for (const std::string& member : members) {
    DirectGroups& groups = parents_.FindOrAdd(member).groups;
    groups.insert(std::upper_bound(groups.begin(), groups.end(), group, ByDn), group);
  }
}

void MembershipIndex::Unlink(const std::string* group, const std::vector<std::string>& members) {
  for (const std::string& member : members) {
    MemberTable::Entry* entry = parents_.Find(member);
    if (entry == nullptr) continue;
    DirectGroups& groups = entry->groups;
    groups.erase(std::remove(groups.begin(), groups.end(), group), groups.end());
    if (groups.empty()) {
      parents_.Erase(*entry);
      continue;
    }
    if (entry->member.data() != member.data()) continue;  // the key views another list
    // The key views `members`, which is about to go: view the copy of a group that still
    // lists this member (lists are sorted).
    const std::vector<std::string>& other = groups_.at(*groups.front());
    entry->member = *std::lower_bound(other.begin(), other.end(), member);
  }
}

void MembershipIndex::PutGroup(const std::string& dn, std::vector<std::string> members) {
  // A member listed twice is one membership. Lists are kept sorted (Unlink searches them).
  if (!std::is_sorted(members.begin(), members.end())) std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  auto [it, inserted] = groups_.try_emplace(dn);
  if (!inserted) Unlink(&it->first, it->second);
  it->second = std::move(members);
  Link(&it->first, it->second);
  rules_of_.clear();
}

void MembershipIndex::RemoveGroup(const std::string& dn) {
  auto it = groups_.find(dn);
  if (it == groups_.end()) return;
  Unlink(&it->first, it->second);
  rules_of_.clear();
  groups_.erase(it);
}

void MembershipIndex::ChangeMembers(const std::string& dn, const std::vector<std::string>& added,
                                    const std::vector<std::string>& removed) {
  auto it = groups_.find(dn);
  if (it == groups_.end()) return;
  std::vector<std::string> members = it->second;
  members.insert(members.end(), added.begin(), added.end());
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::erase_if(members, [&](const std::string& m) {
    return std::find(removed.begin(), removed.end(), m) != removed.end();
  });
  PutGroup(dn, std::move(members));
}

void MembershipIndex::DropMember(const std::string& member_dn) {
  const MemberTable::Entry* entry = parents_.Find(member_dn);
  if (entry == nullptr) return;
  // Copies: each change below replaces a member list, which `member_dn` may be part of.
  const std::string member = member_dn;
  std::vector<std::string> listing;
  for (const std::string* group : entry->groups) listing.push_back(*group);
  for (const std::string& group : listing) ChangeMembers(group, {}, {member});
}

void MembershipIndex::Clear() {
  rules_of_.clear();
  parents_.Clear();
  groups_.clear();
}

const std::vector<std::string>* MembershipIndex::MembersOf(const std::string& dn) const {
  auto it = groups_.find(dn);
  return it == groups_.end() ? nullptr : &it->second;
}

const MembershipIndex::GroupRules& MembershipIndex::RulesOf(const std::string* group) const {
  auto cached = rules_of_.find(group);
  if (cached != rules_of_.end()) return cached->second;
  GroupRules rules;
  std::vector<const std::string*> stack{group};
  std::unordered_set<const std::string*> visited{group};
  while (!stack.empty()) {
    const std::string* current = stack.back();
    stack.pop_back();
    auto rule = rules_.find(*current);
    if (rule != rules_.end()) {
      if (current == group) rules.own = rule->second;
      rules.all.push_back(rule->second);
    }
    if (!nested_) continue;
    const MemberTable::Entry* up = parents_.Find(*current);
    if (up == nullptr) continue;
    for (const std::string* parent : up->groups) {
      if (visited.insert(parent).second) stack.push_back(parent);
    }
  }
  return rules_of_.emplace(group, std::move(rules)).first->second;
}

const MembershipIndex::DirectGroups* MembershipIndex::DirectGroupsOf(
    const std::string& member_dn) const {
  const MemberTable::Entry* entry = parents_.Find(member_dn);
  return entry == nullptr ? nullptr : &entry->groups;
}

std::vector<MappedMembership> MembershipIndex::MappedGroupsOf(const DirectGroups* groups) const {
  std::vector<MappedMembership> out;
  if (groups == nullptr) return out;
  const DirectGroups& direct = *groups;  // in DN order
  auto granted = [&out](const GroupRule* rule) {
    return std::any_of(out.begin(), out.end(),
                       [rule](const MappedMembership& m) { return m.rule == rule; });
  };
  // Direct memberships first: "member of X" reads better than "through Y" when both hold.
  for (const std::string* group : direct) {
    const GroupRule* own = RulesOf(group).own;
    if (own != nullptr && !granted(own)) out.push_back({own, {}});
  }
  for (const std::string* group : direct) {
    for (const GroupRule* rule : RulesOf(group).all) {
      if (!granted(rule)) out.push_back({rule, *group});
    }
  }
  return out;
}

void MembershipIndex::PrepareForConcurrentReads() const {
  for (const auto& [dn, members] : groups_) RulesOf(&dn);
}

std::vector<std::string> MembershipIndex::GroupDns() const {
  std::vector<std::string> dns;
  dns.reserve(groups_.size());
  for (const auto& [dn, members] : groups_) dns.push_back(dn);
  return dns;
}

bool MembershipIndex::InAnyMappedGroup(const DirectGroups* direct) const {
  if (direct == nullptr) return false;
  return std::any_of(direct->begin(), direct->end(),
                     [this](const std::string* group) { return !RulesOf(group).all.empty(); });
}

void MembershipIndex::ForEachMemberBelow(
    const std::string& dn, const std::function<void(const std::string&)>& visit) const {
  auto root = groups_.find(dn);
  if (root == groups_.end()) return;
  std::vector<const std::vector<std::string>*> stack{&root->second};
  std::unordered_set<std::string_view> seen_groups{root->first};
  std::unordered_set<std::string_view> seen_members;
  while (!stack.empty()) {
    const std::vector<std::string>* members = stack.back();
    stack.pop_back();
    for (const std::string& member : *members) {
      if (nested_) {
        auto sub = groups_.find(member);
        if (sub != groups_.end()) {
          if (seen_groups.insert(sub->first).second) stack.push_back(&sub->second);
          continue;
        }
      }
      if (seen_members.insert(member).second) visit(member);
    }
  }
}

}  // namespace pmbridge
