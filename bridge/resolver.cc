#include "bridge/resolver.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <deque>
#include <future>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace pmbridge {
namespace {

// Adds `role` to `e`, its rights to `rights` (the person's, gathered before they take the
// pooled set: merging into a shared set would copy it for every second role).
void ApplyRole(const Role& role, const Catalog& catalog, Entitlement& e,
               RightSet::Modules& rights) {
  if (role.all_rights) {
    for (const std::string& module : catalog.modules) RightSet::GrantTo(rights, module, kAllRights);
  } else {
    for (const auto& [module, mask] : role.rights.modules()) {
      RightSet::GrantTo(rights, module, mask);
    }
  }
  e.super_user = e.super_user || role.super_user;
  e.access_security = e.access_security || role.access_security;
}

using ViaGroups = decltype(DesiredState::via_groups);

// Where Entitle finds the interned DN of a nested group. A resolve on one thread interns
// on demand; the two-thread resolve interns every group of the index first, and its
// threads then only look up. The DNs asked for are the index's own group keys, a few
// hundred strings asked for 100,000s of times: each is hashed once, then found by address.
class ViaInterner {
 public:
  // `complete`: every DN asked for is in `groups` already, and several threads share them.
  ViaInterner(ViaGroups& groups, bool complete) : groups_(groups), complete_(complete) {}
  std::string_view Intern(std::string_view dn) {
    auto [known, added] = by_address_.try_emplace(dn.data());
    if (!added && known->second.size() == dn.size()) return known->second;
    auto it = groups_.find(dn);
    if (it == groups_.end()) {
      assert(!complete_ && "a nested group missing from a complete interning");
      it = groups_.emplace(dn).first;
    }
    known->second = *it;
    return *it;
  }

 private:
  ViaGroups& groups_;
  bool complete_;
  std::unordered_map<const char*, std::string_view> by_address_;
};

// An eligible person, and the groups listing them directly.
struct EligiblePerson {
  const DirectoryUser* user = nullptr;
  const MembershipIndex::DirectGroups* groups = nullptr;
};

// One resolve thread's reusable parts: the interned nested groups, the pooled right sets,
// and the lists each person's rights and provider codes are gathered in (so that their own
// lists are made once, at their final size).
struct EntitleScratch {
  ViaInterner& via_groups;
  RightSetPool shared_rights;
  RightSet::Modules rights;
  std::vector<std::string_view> provider_codes;
};

// The union of the provider scopes of `memberships`' rules: all providers if any rule
// grants all, else every code granted. Codes are gathered as views, then copied once.
ProviderScope UnionOfProviders(const std::vector<MappedMembership>& memberships,
                               std::vector<std::string_view>& codes) {
  codes.clear();
  for (const MappedMembership& m : memberships) {
    if (m.rule->providers.all()) return ProviderScope::All();
    codes.insert(codes.end(), m.rule->providers.codes().begin(), m.rule->providers.codes().end());
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return ProviderScope::SelectedSorted(codes);
}

// The entitlement of `person`: the union of the roles and provider scopes of every mapped
// group they belong to, with the grants behind it.
Entitlement Entitle(const EligiblePerson& person, const MembershipIndex& index,
                    const Mapping& mapping, const Catalog& catalog, EntitleScratch& scratch) {
  Entitlement e;
  e.user = person.user;
  scratch.rights.clear();
  const std::vector<MappedMembership> memberships = index.MappedGroupsOf(person.groups);
  e.grants.reserve(memberships.size());
  for (const MappedMembership& m : memberships) {
    const Role& role = mapping.roles.at(m.rule->role);
    ApplyRole(role, catalog, e, scratch.rights);
    e.grants.push_back(
        {m.rule, m.via.empty() ? std::string_view() : scratch.via_groups.Intern(m.via)});
  }
  std::sort(e.grants.begin(), e.grants.end(),
            [](const Grant& a, const Grant& b) { return a.group_dn() < b.group_dn(); });
  e.rights = scratch.shared_rights.Share(scratch.rights);
  e.providers = UnionOfProviders(memberships, scratch.provider_codes);
  return e;
}

// Below this many people one thread does it all: a second one costs more to start than it
// saves, and the daemon's per-change resolves are a handful of people.
constexpr std::size_t kPeopleForTwoThreads = 20000;

bool UseTwoThreads(std::size_t people) { return people >= kPeopleForTwoThreads; }

// A full reconcile resolves after its directory read, when the server's core is idle
// again: runs work(0, 0, half) here and work(1, half, size) on a second thread, or both
// here when no thread can be started. What the parts share must be safe to read at once.
template <typename Work>
void OnTwoThreads(std::size_t size, Work&& work) {
  const std::size_t half = size / 2;
  std::thread second;
  try {
    second = std::thread([&work, half, size] { work(1, half, size); });
  } catch (const std::system_error&) {
    work(0, 0, half);
    work(1, half, size);
    return;
  }
  work(0, 0, half);
  second.join();
}

// How many people ahead a pass over them asks for what it will read next. The index's
// entries lie in the order the groups listed their members, and people are taken in
// directory order (eligibility) or login order (entitlement): otherwise each person's
// entry is a cache miss, some 30 ms of a 100k-person resolve on a virtual machine.
constexpr std::size_t kPrefetchAhead = 8;

// An eligible person's login as compared (folded), and their place in the users. The
// sort compares the first 16 bytes held here, and reads the logins themselves (scattered
// over the snapshot) only when those are equal.
struct LoginEntry {
  std::uint64_t head[2] = {0, 0};  // the first 16 bytes, big-endian, zero-padded
  std::string_view folded;         // the login itself when it has no capitals (most do)
  std::size_t user = 0;

  LoginEntry() = default;
  LoginEntry(std::string_view login, std::size_t index) : folded(login), user(index) {
    for (std::size_t i = 0; i < 16 && i < login.size(); ++i) {
      head[i / 8] |= std::uint64_t{static_cast<unsigned char>(login[i])} << (56 - 8 * (i % 8));
    }
  }
  bool operator<(const LoginEntry& other) const {
    if (head[0] != other.head[0]) return head[0] < other.head[0];
    if (head[1] != other.head[1]) return head[1] < other.head[1];
    const int order = folded.compare(other.folded);
    return order < 0 || (order == 0 && user < other.user);
  }
};

bool HasCapitals(std::string_view login) {
  return std::any_of(login.begin(), login.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Pass 1 of a resolve over some of the people: who is ineligible, and why. The eligible
// are written to the caller's list.
struct Eligibility {
  std::size_t eligible = 0;        // entries written
  std::deque<std::string> folded;  // the folded logins that differ from the login
  std::vector<Ineligible> ineligible;
  std::vector<std::string> warnings;
};

// Pass 1 for users[begin, end), whose direct groups it records in `groups_of`; the
// eligible go to by_login[write_from + out.eligible...], in order.
void CheckEligibility(const std::vector<const DirectoryUser*>& users, std::size_t begin,
                      std::size_t end, const MembershipIndex& index, const ResolveOptions& options,
                      std::vector<const MembershipIndex::DirectGroups*>& groups_of,
                      std::vector<LoginEntry>& by_login, std::size_t write_from, Eligibility& out) {
  for (std::size_t i = begin; i < end; ++i) {
    if (i + kPrefetchAhead < end) index.PrefetchDirectGroupsOf(users[i + kPrefetchAhead]->dn);
    const DirectoryUser& user = *users[i];
    groups_of[i] = index.DirectGroupsOf(user.dn);
    std::string reason;
    if (!user.directory_disabled_reason.empty()) {
      reason = user.directory_disabled_reason;
    } else if (!index.InAnyMappedGroup(groups_of[i])) {
      reason = "not a member of any mapped group";
    } else if (user.login.empty()) {
      reason = "the entry has no login attribute (" + options.login_attribute + ")";
      out.warnings.push_back(user.dn + " is in a mapped group but has no login attribute (" +
                             options.login_attribute + "): no account for it");
    }
    if (!reason.empty()) {
      out.ineligible.push_back({users[i], std::move(reason)});
      continue;
    }
    std::string_view folded = user.login;
    if (HasCapitals(folded)) folded = out.folded.emplace_back(FoldLogin(user.login));
    by_login[write_from + out.eligible++] = {folded, i};
  }
}

// The entitlements of `people`, in order, in `slots` (resized to fit). Each entitlement
// reads only the index (prepared for concurrent reads when two threads share the work),
// the mapping and the catalog, and the nested groups' DNs are then interned beforehand.
std::vector<Entitlement> EntitleAll(const std::vector<EligiblePerson>& people,
                                    const MembershipIndex& index, const Mapping& mapping,
                                    const Catalog& catalog, ViaGroups& via_groups,
                                    std::vector<Entitlement> slots) {
  std::vector<Entitlement> out = std::move(slots);
  out.resize(people.size());
  const bool two_threads = UseTwoThreads(people.size());
  auto entitle_range = [&](int, std::size_t begin, std::size_t end) {
    ViaInterner interner(via_groups, two_threads);
    EntitleScratch scratch{interner, {}, {}, {}};
    for (std::size_t i = begin; i < end; ++i) {
      if (i + kPrefetchAhead < end) __builtin_prefetch(people[i + kPrefetchAhead].groups);
      out[i] = Entitle(people[i], index, mapping, catalog, scratch);
    }
  };
  if (!two_threads) {
    entitle_range(0, 0, people.size());
    return out;
  }
  index.PrepareForConcurrentReads();
  for (const std::string& dn : index.GroupDns()) via_groups.emplace(dn);
  OnTwoThreads(people.size(), entitle_range);
  return out;
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
  // Sized exactly: a 100k-person first reconcile keeps some 300,000 of these as reasons, and
  // growing by appends would leave up to half of each allocation unused.
  const std::string where = rule->where.file.empty() ? std::string() : rule->where.ToString();
  std::string out;
  out.reserve(10 + rule->dn.size() + (via.empty() ? 0 : 11 + via.size()) + 9 + rule->role.size() +
              (where.empty() ? 0 : 3 + where.size()));
  out.append("member of ").append(rule->dn);
  if (!via.empty()) out.append(" (through ").append(via).append(")");
  out.append(" -> role ").append(rule->role);
  if (!where.empty()) out.append(" (").append(where).append(")");
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

namespace {

// The ineligible and warnings of one part of pass 1, moved to `state` after those before.
void MergeEligibility(Eligibility& part, DesiredState& state) {
  for (Ineligible& who : part.ineligible) {
    state.ineligible_by_anchor.emplace(who.user->anchor, state.ineligible.size());
    state.ineligible.push_back(std::move(who));
  }
  for (std::string& w : part.warnings) state.warnings.push_back(std::move(w));
}

// Pass 2, rule 4: one login, one person. Sorts `by_login` (the eligible) by folded login,
// people sharing a login in directory order; each run of one login is one entitled person
// or a conflict, recorded in `state`. Returns the entitled, as their places in `users`, in
// login order.
std::vector<std::size_t> OneLoginOnePerson(const std::vector<const DirectoryUser*>& users,
                                           std::vector<LoginEntry>& by_login, DesiredState& state) {
  std::sort(by_login.begin(), by_login.end());
  std::vector<std::size_t> entitled;
  entitled.reserve(by_login.size());
  std::vector<std::size_t> indexes;
  for (std::size_t run = 0; run < by_login.size();) {
    std::size_t end = run + 1;
    while (end < by_login.size() && by_login[end].folded == by_login[run].folded) ++end;
    indexes.clear();
    for (std::size_t k = run; k < end; ++k) indexes.push_back(by_login[k].user);
    run = end;
    if (indexes.size() == 1) {
      entitled.push_back(indexes[0]);
      continue;
    }
    Conflict conflict;
    conflict.login = users[indexes[0]]->login;
    for (std::size_t i : indexes) {
      conflict.dns.push_back(users[i]->dn);
      state.untouchable_anchors.insert(users[i]->anchor);
    }
    std::sort(conflict.dns.begin(), conflict.dns.end());
    conflict.message = std::to_string(indexes.size()) +
                       " directory entries map to this login; none of them is created or "
                       "changed until only one does";
    state.conflicts.push_back(std::move(conflict));
  }
  return entitled;
}

// ResolvePeople, filling `slots` (any size) with the entitlements.
DesiredState ResolveEligible(const std::vector<const DirectoryUser*>& users,
                             const MembershipIndex& index, const Mapping& mapping,
                             const Catalog& catalog, const ResolveOptions& options,
                             std::vector<Entitlement> slots) {
  DesiredState state;
  state.directory_users = users.size();

  // Pass 1: who is eligible, and under which folded login. Nothing is built yet, so a
  // conflict costs nothing and the entitlements need only one vector. Each person's direct
  // groups are looked up once, for eligibility and the entitlement.
  std::vector<const MembershipIndex::DirectGroups*> groups_of(users.size());
  std::vector<LoginEntry> by_login(users.size());
  Eligibility parts[2];
  std::size_t second_begin = 0;
  auto check_range = [&](int part, std::size_t begin, std::size_t end) {
    if (part == 1) second_begin = begin;
    CheckEligibility(users, begin, end, index, options, groups_of, by_login, begin, parts[part]);
  };
  if (UseTwoThreads(users.size())) {
    index.PrepareForConcurrentReads();
    OnTwoThreads(users.size(), check_range);
  } else {
    check_range(0, 0, users.size());
  }
  // The parts in order, as one pass would have left them.
  std::copy_n(by_login.begin() + static_cast<std::ptrdiff_t>(second_begin), parts[1].eligible,
              by_login.begin() + static_cast<std::ptrdiff_t>(parts[0].eligible));
  by_login.resize(parts[0].eligible + parts[1].eligible);
  for (Eligibility& part : parts) MergeEligibility(part, state);

  std::vector<EligiblePerson> entitled;
  entitled.reserve(by_login.size());
  for (std::size_t i : OneLoginOnePerson(users, by_login, state)) {
    entitled.push_back({users[i], groups_of[i]});
  }
  state.entitled =
      EntitleAll(entitled, index, mapping, catalog, state.via_groups, std::move(slots));
  return state;
}

// The read's own warnings and the missing groups', before the resolve's.
void PutReadWarningsFirst(const DirectorySnapshot& snapshot, const MembershipIndex& index,
                          const Mapping& mapping, DesiredState& state) {
  std::vector<std::string> warnings = snapshot.warnings;
  for (std::string& w : MissingGroupWarnings(mapping, index)) warnings.push_back(std::move(w));
  for (std::string& w : state.warnings) warnings.push_back(std::move(w));
  state.warnings = std::move(warnings);
}

// Resolve, once `index` holds the snapshot's groups.
DesiredState ResolveIndexed(const DirectorySnapshot& snapshot, const MembershipIndex& index,
                            const Mapping& mapping, const Catalog& catalog,
                            const ResolveOptions& options, std::vector<Entitlement> slots) {
  std::vector<const DirectoryUser*> users;
  users.reserve(snapshot.users.size());
  for (const DirectoryUser& user : snapshot.users) users.push_back(&user);
  DesiredState state = ResolveEligible(users, index, mapping, catalog, options, std::move(slots));
  PutReadWarningsFirst(snapshot, index, mapping, state);
  return state;
}

}  // namespace

DesiredState Resolve(const DirectorySnapshot& snapshot, const Mapping& mapping,
                     const Catalog& catalog, const ResolveOptions& options) {
  MembershipIndex index(mapping, options.nested_groups);
  for (const DirectoryGroup& g : snapshot.groups) index.PutGroup(g.dn, g.members);
  return ResolveIndexed(snapshot, index, mapping, catalog, options, {});
}

DesiredState ResolveTakingGroups(DirectorySnapshot& snapshot, const Mapping& mapping,
                                 const Catalog& catalog, const ResolveOptions& options) {
  // A slot per person for the entitlements, made on a second thread while this one builds
  // the index: 100,000 slots are 25 MB of fresh memory, whose first touch costs some 50 ms
  // on a virtual machine, and the second core is idle until the eligibility pass.
  std::future<std::vector<Entitlement>> slots;
  if (UseTwoThreads(snapshot.users.size())) {
    slots =
        std::async(std::launch::async | std::launch::deferred,
                   [people = snapshot.users.size()] { return std::vector<Entitlement>(people); });
  }
  MembershipIndex index(mapping, options.nested_groups);
  // Members are mostly the users (and the groups, when nested); the odd DN outside both
  // costs a rehash at worst.
  index.Reserve(snapshot.users.size() + snapshot.groups.size());
  for (DirectoryGroup& g : snapshot.groups) index.PutGroup(g.dn, std::move(g.members));
  snapshot.groups = std::vector<DirectoryGroup>();
  return ResolveIndexed(snapshot, index, mapping, catalog, options,
                        slots.valid() ? slots.get() : std::vector<Entitlement>());
}

IndexedGroups IndexGroups(std::vector<DirectoryGroup> groups, const Mapping& mapping,
                          const ResolveOptions& options) {
  IndexedGroups out{MembershipIndex(mapping, options.nested_groups), {}};
  // The distinct members are not known before they are indexed. People are in a few groups
  // each: a quarter of the member values is close, where growing from nothing would rebuild
  // the member map 17 times on the way to 100k people. Too small, it doubles once or twice.
  out.index.Reserve(MemberValues(groups) / 4);
  for (DirectoryGroup& g : groups) out.index.PutGroup(g.dn, std::move(g.members));
  groups = std::vector<DirectoryGroup>();
  if (UseTwoThreads(out.index.member_count())) out.slots.resize(out.index.member_count());
  return out;
}

struct ResolveAlongRead::Work {
  Work(const Mapping& m, const ResolveOptions& o)
      : mapping(m), options(o), interner(via_groups, false), scratch{interner, {}, {}, {}} {}

  // Pass 1 and the entitlements for up to `most` more of `all`, which are where they were.
  void Advance(const std::vector<DirectoryUser>& all, IndexedGroups& indexed, std::size_t most) {
    const std::size_t begin = users.size();
    const std::size_t end = begin + std::min(most, all.size() - begin);
    if (end == begin) return;
    for (std::size_t i = begin; i < end; ++i) users.push_back(&all[i]);
    groups_of.resize(end);
    const std::size_t first = eligibility.eligible;
    by_login.resize(first + (end - begin));
    CheckEligibility(users, begin, end, indexed.index, options, groups_of, by_login, 0,
                     eligibility);
    by_login.resize(eligibility.eligible);
    std::vector<Entitlement>& slots = indexed.slots;
    if (slots.size() < by_login.size()) slots.resize(std::max(by_login.size(), 2 * slots.size()));
    for (std::size_t k = first; k < by_login.size(); ++k) {
      const std::size_t i = by_login[k].user;
      slots[k] = Entitle({users[i], groups_of[i]}, indexed.index, mapping, *catalog, scratch);
    }
  }

  const Mapping& mapping;
  const ResolveOptions options;
  bool gave_up = false;
  // What the first call was given; later calls must give the same.
  const DirectoryUser* users_at = nullptr;
  const IndexedGroups* groups = nullptr;
  const Catalog* catalog = nullptr;
  std::vector<const DirectoryUser*> users;  // those done, in directory order
  std::vector<const MembershipIndex::DirectGroups*> groups_of;
  std::vector<LoginEntry> by_login;  // the eligible, in directory order; slots[k] is by_login[k]'s
  Eligibility eligibility;
  ViaGroups via_groups;
  ViaInterner interner;
  EntitleScratch scratch;
};

ResolveAlongRead::ResolveAlongRead(const Mapping& mapping, const ResolveOptions& options)
    : work_(std::make_unique<Work>(mapping, options)) {}

ResolveAlongRead::~ResolveAlongRead() = default;

void ResolveAlongRead::Advance(const std::vector<DirectoryUser>& users, IndexedGroups& groups,
                               const Catalog& catalog, std::size_t most) {
  Work& w = *work_;
  if (w.gave_up || users.size() == w.users.size()) return;
  if (w.users.empty()) {
    w.users_at = users.data();
    w.groups = &groups;
    w.catalog = &catalog;
  } else if (users.data() != w.users_at || &groups != w.groups || &catalog != w.catalog) {
    w.gave_up = true;
    return;
  }
  w.Advance(users, groups, most);
}

void ResolveAlongRead::GiveUp() {
  if (!work_->users.empty()) work_->gave_up = true;
}

std::size_t ResolveAlongRead::done() const { return work_->gave_up ? 0 : work_->users.size(); }

namespace {

// Moves list[from[p]] to list[p] for each p, in place, and drops the rest. `from` names
// distinct places of `list`.
template <typename T>
void Gather(std::vector<T>& list, const std::vector<std::size_t>& from) {
  std::vector<std::size_t> at(list.size());     // at[y]: where what is at y was first
  std::vector<std::size_t> where(list.size());  // where[x]: where what was at x is now
  for (std::size_t i = 0; i < list.size(); ++i) at[i] = where[i] = i;
  for (std::size_t p = 0; p < from.size(); ++p) {
    const std::size_t x = from[p];
    const std::size_t y = where[x];
    if (y == p) continue;
    std::swap(list[p], list[y]);
    const std::size_t z = at[p];
    at[y] = z;
    where[z] = y;
    at[p] = x;
    where[x] = p;
  }
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(from.size()), list.end());
}

}  // namespace

DesiredState ResolveIndexedGroups(const DirectorySnapshot& snapshot, IndexedGroups groups,
                                  const Mapping& mapping, const Catalog& catalog,
                                  const ResolveOptions& options, ResolveAlongRead* along) {
  ResolveAlongRead::Work* w = along != nullptr ? along->work_.get() : nullptr;
  const bool finish_along = w != nullptr && !w->gave_up && !w->users.empty() &&
                            w->users_at == snapshot.users.data() && *w->catalog == catalog &&
                            !UseTwoThreads(snapshot.users.size() - w->users.size());
  if (!finish_along) {
    return ResolveIndexed(snapshot, groups.index, mapping, catalog, options,
                          std::move(groups.slots));
  }
  w->Advance(snapshot.users, groups, snapshot.users.size());
  DesiredState state;
  state.directory_users = w->users.size();
  MergeEligibility(w->eligibility, state);
  // The entitlements are in directory order, slots[k] for by_login[k] as pass 1 left it;
  // the entitled are wanted in login order, without those in conflict.
  std::vector<std::size_t> eligible_place(w->users.size());
  for (std::size_t k = 0; k < w->by_login.size(); ++k) eligible_place[w->by_login[k].user] = k;
  std::vector<std::size_t> from = OneLoginOnePerson(w->users, w->by_login, state);
  for (std::size_t& i : from) i = eligible_place[i];
  Gather(groups.slots, from);
  state.entitled = std::move(groups.slots);
  state.via_groups = std::move(w->via_groups);
  PutReadWarningsFirst(snapshot, groups.index, mapping, state);
  return state;
}

DesiredState ResolvePeople(const std::vector<const DirectoryUser*>& users,
                           const MembershipIndex& index, const Mapping& mapping,
                           const Catalog& catalog, const ResolveOptions& options) {
  return ResolveEligible(users, index, mapping, catalog, options, {});
}

}  // namespace pmbridge
