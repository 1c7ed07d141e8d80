// The daemon's view of the directory: every user and group in scope, kept current by the
// follower's events, with the membership index that resolution needs. Applying events
// says which people they touch, so only those are recomputed.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bridge/config/mapping.h"
#include "bridge/directory_follower.h"
#include "bridge/directory_snapshot.h"
#include "bridge/membership_index.h"

namespace pmbridge {

// The people a batch touched (user anchors), each with when the first notification that
// touched them was read.
using TouchedPeople = std::unordered_map<std::string, std::chrono::steady_clock::time_point>;

class DirectoryModel {
 public:
  // `mapping` must outlive the model (or be replaced with SetMapping first).
  DirectoryModel(const Mapping& mapping, bool nested);

  void SetMapping(const Mapping& mapping, bool nested) { index_.SetMapping(mapping, nested); }

  // Replaces the whole content with a complete read.
  void Reset(const DirectorySnapshot& snapshot);

  // Applies `batch` in order: puts, gones, member changes, then the present sets (anything
  // not listed is gone). Adds to `touched` every person whose account may change: a user entry
  // change touches that user; a group change touches its (nested) members before and after; both
  // touch everyone sharing the person's login, old or new (unique-login rule).
  void Apply(const FollowBatch& batch, TouchedPeople& touched);

  // The users behind `anchors` that are still present, plus every user sharing a login
  // with one of them, for ResolvePeople.
  std::vector<const DirectoryUser*> PeopleFor(const TouchedPeople& touched) const;

  // The earliest future account expiry the directory set (DirectoryUser::expires_at).
  std::optional<std::chrono::system_clock::time_point> NextExpiry() const;
  // Every person whose expiry is at or before `now` becomes not entitled (the reason a
  // directory read would now give) and is added to `touched`, stamped `received`; true
  // when anyone was.
  bool ExpireDue(std::chrono::system_clock::time_point now,
                 std::chrono::steady_clock::time_point received, TouchedPeople& touched);
  std::vector<const DirectoryUser*> AllUsers() const;

  const MembershipIndex& index() const { return index_; }
  std::size_t user_count() const { return users_.size(); }
  std::size_t group_count() const { return group_dn_by_anchor_.size(); }

 private:
  void PutUser(const DirectoryUser& user, std::chrono::steady_clock::time_point at,
               TouchedPeople& touched);
  // `deleted`: the entry is gone for good, so its DN leaves every group's member list.
  void RemoveUser(const std::string& anchor, bool deleted, std::chrono::steady_clock::time_point at,
                  TouchedPeople& touched);
  void PutGroup(const DirectoryGroup& group, std::chrono::steady_clock::time_point at,
                TouchedPeople& touched);
  void RemoveGroup(const std::string& anchor, std::chrono::steady_clock::time_point at,
                   TouchedPeople& touched);
  // An incremental member change of a group the model holds at event.group.dn.
  void ChangeGroupMembers(const DirectoryEvent& event, TouchedPeople& touched);
  // Touches `dn` when it is a user, and everyone below it when it is a group.
  void TouchMember(const std::string& dn, std::chrono::steady_clock::time_point at,
                   TouchedPeople& touched) const;
  // Touches everyone below group `dn` (as the index has it now).
  void TouchMembers(const std::string& dn, std::chrono::steady_clock::time_point at,
                    TouchedPeople& touched) const;
  void ForgetExpiry(const DirectoryUser& user);
  void NoteExpiry(const DirectoryUser& user);
  void TouchLogin(const std::string& login, std::chrono::steady_clock::time_point at,
                  TouchedPeople& touched) const;

  std::unordered_map<std::string, DirectoryUser> users_;            // by anchor
  std::unordered_map<std::string, std::string> user_anchor_by_dn_;  // normal-form DN
  std::unordered_map<std::string, std::unordered_set<std::string>> anchors_by_login_;  // folded
  std::unordered_map<std::string, std::string> group_dn_by_anchor_;
  // Future expiries, earliest first: (expires_at, user anchor).
  std::multimap<std::chrono::system_clock::time_point, std::string> expiries_;
  MembershipIndex index_;
};

}  // namespace pmbridge
