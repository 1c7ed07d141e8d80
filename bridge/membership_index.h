// Group membership indexed upward — member DN to the groups that list it — so the mapped
// groups of one person are found without walking every group. The full Resolve and the
// daemon's per-person recomputation share it, so both grant exactly the same things.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bridge/config/mapping.h"
#include "bridge/member_table.h"

namespace pmbridge {

// One mapped group a person belongs to.
struct MappedMembership {
  const GroupRule* rule = nullptr;
  // The group holding the person directly when the mapped group holds them only through
  // nesting (its DN, owned by the index: valid until the index changes); empty for a
  // direct member.
  std::string_view via;
};

class MembershipIndex {
 public:
  // `mapping` must outlive the index (or be replaced with SetMapping first).
  MembershipIndex(const Mapping& mapping, bool nested);

  // Not copied: the member map views DNs, and the memos point at group keys, in this
  // index's own node-based group map. Moving keeps those nodes where they are.
  MembershipIndex(const MembershipIndex&) = delete;
  MembershipIndex& operator=(const MembershipIndex&) = delete;
  MembershipIndex(MembershipIndex&&) = default;
  MembershipIndex& operator=(MembershipIndex&&) = default;

  // After a reload: the rules change, the groups stay.
  void SetMapping(const Mapping& mapping, bool nested);

  // Room for up to `members` distinct member DNs without rehashing (a full load).
  void Reserve(std::size_t members) { parents_.Reserve(members); }
  // Adds group `dn` (normal form) or replaces its member list (normal-form DNs).
  void PutGroup(const std::string& dn, std::vector<std::string> members);
  void RemoveGroup(const std::string& dn);
  // Adds `added` to and removes `removed` from the member list of group `dn` (normal-form
  // DNs); nothing when there is no such group.
  void ChangeMembers(const std::string& dn, const std::vector<std::string>& added,
                     const std::vector<std::string>& removed);
  // Removes `member_dn` from the member list of every group that lists it.
  void DropMember(const std::string& member_dn);
  void Clear();

  bool HasGroup(const std::string& dn) const { return groups_.count(dn) != 0; }
  // The members of group `dn`, or nullptr when there is no such group.
  const std::vector<std::string>* MembersOf(const std::string& dn) const;
  std::size_t group_count() const { return groups_.size(); }
  // How many distinct DNs the groups list (people and, when nested, groups).
  std::size_t member_count() const { return parents_.size(); }

  // The groups listing a member directly (keys of the group map, in DN order), as one
  // lookup finds them: a full resolve asks both questions below of 100,000 people, and
  // looks each up once. Valid until the index changes. A person is in a handful of groups:
  // the list lives in the index's entry, not on the heap.
  using DirectGroups = MemberTable::Groups;
  // nullptr when no group lists `member_dn`.
  const DirectGroups* DirectGroupsOf(const std::string& member_dn) const;
  // Starts fetching what DirectGroupsOf(member_dn) will read into the cache; a hint only.
  void PrefetchDirectGroupsOf(const std::string& member_dn) const { parents_.Prefetch(member_dn); }

  // Every mapped group `member_dn` belongs to, directly or (when nested) through groups
  // that are members of it; one entry per rule, direct memberships preferred, then by the
  // DN of the group holding the person directly. Membership cycles are safe.
  std::vector<MappedMembership> MappedGroupsOf(const std::string& member_dn) const {
    return MappedGroupsOf(DirectGroupsOf(member_dn));
  }
  std::vector<MappedMembership> MappedGroupsOf(const DirectGroups* direct) const;
  // Whether MappedGroupsOf(member_dn) would be non-empty, without building it.
  bool InAnyMappedGroup(const std::string& member_dn) const {
    return InAnyMappedGroup(DirectGroupsOf(member_dn));
  }
  bool InAnyMappedGroup(const DirectGroups* direct) const;

  // Memoises what MappedGroupsOf and InAnyMappedGroup look up for every group, so that
  // they may then run on several threads at once (until the index changes).
  void PrepareForConcurrentReads() const;
  // The DN of every group, in no particular order.
  std::vector<std::string> GroupDns() const;

  // Calls `visit` once for every member of group `dn` that is not itself a group,
  // following nested groups when nested (cycle-safe). For "a group change touches its
  // members".
  void ForEachMemberBelow(const std::string& dn,
                          const std::function<void(const std::string&)>& visit) const;

 private:
  using GroupMap = std::unordered_map<std::string, std::vector<std::string>>;

  void Link(const std::string* group, const std::vector<std::string>& members);
  void Unlink(const std::string* group, const std::vector<std::string>& members);
  // What the mapping says of a group: its own rule, found by the group's DN once, not
  // for each of its 100,000 members; and the rules of it and, when nested, of every group
  // above it.
  struct GroupRules {
    const GroupRule* own = nullptr;
    std::vector<const GroupRule*> all;  // `own` first, then those of the groups above
  };
  // The rules of `group` (a key of groups_). Memoised until the groups or the mapping
  // change.
  const GroupRules& RulesOf(const std::string* group) const;

  std::unordered_map<std::string, const GroupRule*> rules_;
  bool nested_;
  GroupMap groups_;  // group DN -> member DNs; node-based, so key addresses are stable
  // member DN -> the groups listing it. The key views the DN in the member list of one of
  // those groups, not a copy: at 100k people that is 100,000 strings fewer. Unlink points
  // it at another group's copy before a list goes away.
  MemberTable parents_;
  mutable std::unordered_map<const std::string*, GroupRules> rules_of_;
};

}  // namespace pmbridge
