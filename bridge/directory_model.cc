#include "bridge/directory_model.h"

#include "bridge/account_expiry.h"
#include "bridge/resolver.h"

namespace pmbridge {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

void Touch(const std::string& anchor, TimePoint at, TouchedPeople& touched) {
  auto [it, inserted] = touched.try_emplace(anchor, at);
  if (!inserted && at < it->second) it->second = at;
}

}  // namespace

DirectoryModel::DirectoryModel(const Mapping& mapping, bool nested) : index_(mapping, nested) {}

void DirectoryModel::Reset(const DirectorySnapshot& snapshot) {
  users_.clear();
  user_anchor_by_dn_.clear();
  anchors_by_login_.clear();
  group_dn_by_anchor_.clear();
  expiries_.clear();
  index_.Clear();
  users_.reserve(snapshot.users.size());
  user_anchor_by_dn_.reserve(snapshot.users.size());
  for (const DirectoryUser& user : snapshot.users) {
    users_.insert_or_assign(user.anchor, user);
    user_anchor_by_dn_.insert_or_assign(user.dn, user.anchor);
    if (!user.login.empty()) anchors_by_login_[FoldLogin(user.login)].insert(user.anchor);
    NoteExpiry(user);
  }
  for (const DirectoryGroup& group : snapshot.groups) {
    group_dn_by_anchor_.insert_or_assign(group.anchor, group.dn);
    index_.PutGroup(group.dn, group.members);
  }
}

void DirectoryModel::TouchLogin(const std::string& login, TimePoint at,
                                TouchedPeople& touched) const {
  if (login.empty()) return;
  auto it = anchors_by_login_.find(FoldLogin(login));
  if (it == anchors_by_login_.end()) return;
  for (const std::string& anchor : it->second) Touch(anchor, at, touched);
}

void DirectoryModel::PutUser(const DirectoryUser& user, TimePoint at, TouchedPeople& touched) {
  Touch(user.anchor, at, touched);
  auto old = users_.find(user.anchor);
  if (old != users_.end()) {
    TouchLogin(old->second.login, at, touched);
    if (!old->second.login.empty()) {
      auto set = anchors_by_login_.find(FoldLogin(old->second.login));
      if (set != anchors_by_login_.end()) {
        set->second.erase(user.anchor);
        if (set->second.empty()) anchors_by_login_.erase(set);
      }
    }
    if (old->second.dn != user.dn) user_anchor_by_dn_.erase(old->second.dn);
    ForgetExpiry(old->second);
  }
  TouchLogin(user.login, at, touched);
  users_.insert_or_assign(user.anchor, user);
  user_anchor_by_dn_.insert_or_assign(user.dn, user.anchor);
  if (!user.login.empty()) anchors_by_login_[FoldLogin(user.login)].insert(user.anchor);
  NoteExpiry(user);
}

void DirectoryModel::NoteExpiry(const DirectoryUser& user) {
  if (user.expires_at.time_since_epoch().count() != 0) {
    expiries_.emplace(user.expires_at, user.anchor);
  }
}

void DirectoryModel::ForgetExpiry(const DirectoryUser& user) {
  auto [first, last] = expiries_.equal_range(user.expires_at);
  for (auto it = first; it != last; ++it) {
    if (it->second == user.anchor) {
      expiries_.erase(it);
      return;
    }
  }
}

std::optional<std::chrono::system_clock::time_point> DirectoryModel::NextExpiry() const {
  if (expiries_.empty()) return std::nullopt;
  return expiries_.begin()->first;
}

bool DirectoryModel::ExpireDue(std::chrono::system_clock::time_point now, TimePoint received,
                               TouchedPeople& touched) {
  bool any = false;
  while (!expiries_.empty() && expiries_.begin()->first <= now) {
    auto due = expiries_.begin();
    auto user = users_.find(due->second);
    if (user != users_.end() && user->second.expires_at == due->first) {
      user->second.directory_disabled_reason = AccountExpiredReason(due->first);
      user->second.expires_at = {};
      Touch(due->second, received, touched);
      any = true;
    }
    expiries_.erase(due);
  }
  return any;
}

void DirectoryModel::RemoveUser(const std::string& anchor, bool deleted, TimePoint at,
                                TouchedPeople& touched) {
  Touch(anchor, at, touched);
  auto old = users_.find(anchor);
  if (old == users_.end()) return;
  const DirectoryUser& user = old->second;
  if (deleted) index_.DropMember(user.dn);
  if (!user.login.empty()) {
    auto set = anchors_by_login_.find(FoldLogin(user.login));
    if (set != anchors_by_login_.end()) {
      set->second.erase(anchor);
      // Whoever shared the login may be free of the conflict now.
      for (const std::string& other : set->second) Touch(other, at, touched);
      if (set->second.empty()) anchors_by_login_.erase(set);
    }
  }
  ForgetExpiry(user);
  auto by_dn = user_anchor_by_dn_.find(user.dn);
  if (by_dn != user_anchor_by_dn_.end() && by_dn->second == anchor) user_anchor_by_dn_.erase(by_dn);
  users_.erase(old);
}

void DirectoryModel::TouchMembers(const std::string& dn, TimePoint at,
                                  TouchedPeople& touched) const {
  index_.ForEachMemberBelow(dn, [&](const std::string& member) {
    auto user = user_anchor_by_dn_.find(member);
    if (user != user_anchor_by_dn_.end()) Touch(user->second, at, touched);
  });
}

void DirectoryModel::PutGroup(const DirectoryGroup& group, TimePoint at, TouchedPeople& touched) {
  auto old = group_dn_by_anchor_.find(group.anchor);
  if (old != group_dn_by_anchor_.end()) {
    TouchMembers(old->second, at, touched);
    if (old->second != group.dn) index_.RemoveGroup(old->second);
  } else {
    TouchMembers(group.dn, at, touched);  // a group re-created under a DN still listed
  }
  group_dn_by_anchor_.insert_or_assign(group.anchor, group.dn);
  index_.PutGroup(group.dn, group.members);
  TouchMembers(group.dn, at, touched);
}

void DirectoryModel::RemoveGroup(const std::string& anchor, TimePoint at, TouchedPeople& touched) {
  auto old = group_dn_by_anchor_.find(anchor);
  if (old == group_dn_by_anchor_.end()) return;
  TouchMembers(old->second, at, touched);
  index_.RemoveGroup(old->second);
  group_dn_by_anchor_.erase(old);
}

void DirectoryModel::TouchMember(const std::string& dn, TimePoint at,
                                 TouchedPeople& touched) const {
  auto user = user_anchor_by_dn_.find(dn);
  if (user != user_anchor_by_dn_.end()) Touch(user->second, at, touched);
  if (index_.HasGroup(dn)) TouchMembers(dn, at, touched);
}

void DirectoryModel::ChangeGroupMembers(const DirectoryEvent& event, TouchedPeople& touched) {
  auto held = group_dn_by_anchor_.find(event.anchor);
  // Out of scope, or not yet seen at this DN (a full put follows in that case).
  if (held == group_dn_by_anchor_.end() || held->second != event.group.dn) return;
  // Only the members that came and went can gain or lose anything through this group.
  for (const std::string& dn : event.members_removed) TouchMember(dn, event.received, touched);
  index_.ChangeMembers(held->second, event.members_added, event.members_removed);
  for (const std::string& dn : event.members_added) TouchMember(dn, event.received, touched);
}

void DirectoryModel::Apply(const FollowBatch& batch, TouchedPeople& touched) {
  TimePoint last = std::chrono::steady_clock::now();
  for (const DirectoryEvent& event : batch.events) {
    last = event.received;
    switch (event.kind) {
      case DirectoryEvent::Kind::kUserPut:
        PutUser(event.user, event.received, touched);
        break;
      case DirectoryEvent::Kind::kUserGone:
        RemoveUser(event.anchor, event.deleted, event.received, touched);
        break;
      case DirectoryEvent::Kind::kGroupPut:
        PutGroup(event.group, event.received, touched);
        break;
      case DirectoryEvent::Kind::kGroupGone:
        RemoveGroup(event.anchor, event.received, touched);
        break;
      case DirectoryEvent::Kind::kGroupMembers:
        ChangeGroupMembers(event, touched);
        break;
    }
  }
  if (batch.users_present) {
    std::vector<std::string> gone;
    for (const auto& [anchor, user] : users_) {
      if (batch.users_present->count(anchor) == 0) gone.push_back(anchor);
    }
    for (const std::string& anchor : gone) RemoveUser(anchor, false, last, touched);
  }
  if (batch.groups_present) {
    std::vector<std::string> gone;
    for (const auto& [anchor, dn] : group_dn_by_anchor_) {
      if (batch.groups_present->count(anchor) == 0) gone.push_back(anchor);
    }
    for (const std::string& anchor : gone) RemoveGroup(anchor, last, touched);
  }
}

std::vector<const DirectoryUser*> DirectoryModel::PeopleFor(const TouchedPeople& touched) const {
  std::unordered_set<std::string> anchors;
  for (const auto& [anchor, at] : touched) {
    auto user = users_.find(anchor);
    if (user == users_.end()) continue;
    anchors.insert(anchor);
    if (user->second.login.empty()) continue;
    auto same = anchors_by_login_.find(FoldLogin(user->second.login));
    if (same != anchors_by_login_.end()) anchors.insert(same->second.begin(), same->second.end());
  }
  std::vector<const DirectoryUser*> out;
  out.reserve(anchors.size());
  for (const std::string& anchor : anchors) out.push_back(&users_.at(anchor));
  return out;
}

std::vector<const DirectoryUser*> DirectoryModel::AllUsers() const {
  std::vector<const DirectoryUser*> out;
  out.reserve(users_.size());
  for (const auto& [anchor, user] : users_) out.push_back(&user);
  return out;
}

}  // namespace pmbridge
