#include "connectors/directory/usn_changes.h"

#include <ldap.h>

#include <algorithm>
#include <span>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bridge/ldap_filter.h"
#include "connectors/directory/anchor.h"
#include "connectors/directory/attribute_description.h"
#include "connectors/directory/full_read_batch.h"
#include "connectors/directory/group_entry.h"
#include "connectors/directory/group_reader.h"
#include "connectors/directory/paged_search.h"
#include "connectors/directory/user_entry.h"

namespace pmbridge {
namespace {

// Member values asked about in one search when looking for the groups of renamed entries:
// keeps the filter well under the server's request size limits.
constexpr std::size_t kDnsPerMemberSearch = 200;

std::string Parenthesized(std::string_view filter) {
  if (!filter.empty() && filter.front() == '(') return std::string(filter);
  return "(" + std::string(filter) + ")";
}

std::string InWindow(std::string_view filter, UsnWindow window) {
  return "(&" + Parenthesized(filter) + "(uSNChanged>=" + std::to_string(window.after + 1) +
         ")(uSNChanged<=" + std::to_string(window.through) + "))";
}

// A paged subtree search that stays in this domain (SubtreeSearchControls).
SearchRequest DomainSearch(const DirectoryConfig& config, std::string base, std::string filter,
                           std::vector<std::string> attributes) {
  SearchRequest request;
  request.base = std::move(base);
  request.scope = LDAP_SCOPE_SUBTREE;
  request.filter = std::move(filter);
  request.attributes = std::move(attributes);
  request.page_size = config.page_size;
  request.controls = SubtreeSearchControls(config);
  return request;
}

DirectoryEvent Event(DirectoryEvent::Kind kind, std::chrono::steady_clock::time_point received) {
  DirectoryEvent event;
  event.kind = kind;
  event.received = received;
  return event;
}

// Both gone events for `anchor`: whether it was a user or a group is not known, and the
// model ignores an anchor it does not hold.
void AddGone(const std::string& anchor, bool deleted,
             std::chrono::steady_clock::time_point received, std::vector<DirectoryEvent>* out) {
  DirectoryEvent user = Event(DirectoryEvent::Kind::kUserGone, received);
  user.anchor = anchor;
  user.deleted = deleted;
  out->push_back(std::move(user));
  DirectoryEvent group = Event(DirectoryEvent::Kind::kGroupGone, received);
  group.anchor = anchor;
  group.deleted = deleted;
  out->push_back(std::move(group));
}

// The anchor of `entry` from its `anchor_attribute` values (and, when `classes` is set, its
// objectClass values). An entry without an anchor value fails: it could not be matched.
Status ReadAnchorAndClasses(LdapEntry& entry, const std::string& anchor_attribute,
                            std::string* anchor, std::vector<std::string>* classes) {
  Status status = entry.ForEachAttribute(
      [&](std::string_view description, std::span<const berval> values) -> Status {
        if (SameAttribute(description, anchor_attribute) && values.size() == 1) {
          Result<std::string> text = AnchorFromValue(anchor_attribute, View(values[0]));
          if (!text.ok()) return text.status();
          *anchor = std::move(text).value();
        } else if (classes != nullptr && SameAttribute(description, "objectClass")) {
          for (const berval& v : values) classes->emplace_back(View(v));
        }
        return Status::Ok();
      });
  PMB_RETURN_IF_ERROR(status);
  if (anchor->empty()) {
    return Status::Directory("entry " + std::string(entry.dn()) + " has no single " +
                             anchor_attribute + " value");
  }
  return Status::Ok();
}

bool IsContainer(const std::vector<std::string>& classes) {
  return std::any_of(classes.begin(), classes.end(), [](const std::string& c) {
    return SameAttribute(c, "organizationalUnit") || SameAttribute(c, "container");
  });
}

// Users and groups (and OUs, containers) anywhere in the domain changed in the window.
struct ChangedObjects {
  std::vector<std::string> anchors;  // users and groups
  bool containers_changed = false;
};

Result<ChangedObjects> ReadChangedObjects(LdapConnection& connection, const DirectoryConfig& config,
                                          const std::string& naming_context, UsnWindow window) {
  const std::string& anchor_attribute = config.users.attributes.anchor;
  SearchRequest request = DomainSearch(
      config, naming_context,
      InWindow("(|(objectClass=user)(objectClass=group)(objectClass=organizationalUnit)"
               "(objectClass=container))",
               window),
      {anchor_attribute, "objectClass"});
  ChangedObjects changed;
  Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    std::string anchor;
    std::vector<std::string> classes;
    PMB_RETURN_IF_ERROR(ReadAnchorAndClasses(entry, anchor_attribute, &anchor, &classes));
    if (IsContainer(classes)) {
      changed.containers_changed = true;
    } else {
      changed.anchors.push_back(std::move(anchor));
    }
    return Status::Ok();
  });
  PMB_RETURN_IF_ERROR(status);
  return changed;
}

// Anchors of users and groups deleted in the window (their tombstones).
Result<std::vector<std::string>> ReadDeleted(LdapConnection& connection,
                                             const DirectoryConfig& config,
                                             const std::string& naming_context, UsnWindow window) {
  const std::string& anchor_attribute = config.users.attributes.anchor;
  SearchRequest request =
      DomainSearch(config, naming_context,
                   InWindow("(&(isDeleted=TRUE)(|(objectClass=user)(objectClass=group)))", window),
                   {anchor_attribute});
  // Critical: a server that ignored Show Deleted would answer "no deletes".
  request.controls.push_back(LDAP_CONTROL_X_SHOW_DELETED);
  std::vector<std::string> anchors;
  Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    std::string anchor;
    PMB_RETURN_IF_ERROR(ReadAnchorAndClasses(entry, anchor_attribute, &anchor, nullptr));
    anchors.push_back(std::move(anchor));
    return Status::Ok();
  });
  PMB_RETURN_IF_ERROR(status);
  return anchors;
}

Status ReadUsers(LdapConnection& connection, const DirectoryConfig& config, UsnWindow window,
                 std::chrono::system_clock::time_point now, std::vector<DirectoryUser>* users,
                 std::vector<std::string>* warnings) {
  SearchRequest request =
      DomainSearch(config, config.users.base_dn, InWindow(config.users.filter, window),
                   UserAttributesToRequest(config));
  return PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    Result<DirectoryUser> user = ParseUserEntry(entry, config, now, warnings);
    if (!user.ok()) return user.status();
    users->push_back(std::move(user).value());
    return Status::Ok();
  });
}

// Groups in scope matching `filter` (already combined with groups.filter), their member
// lists complete, appended to `groups` unless their anchor is in `skip`.
Status ReadGroupsMatching(LdapConnection& connection, const DirectoryConfig& config,
                          const std::string& filter, const std::unordered_set<std::string>& skip,
                          std::vector<DirectoryGroup>* groups, std::vector<std::string>* warnings) {
  struct Unfinished {
    std::size_t index;
    std::string raw_dn;
    ParsedGroup::MoreMembers more;
  };
  std::vector<Unfinished> unfinished;
  SearchRequest request =
      DomainSearch(config, config.groups.base_dn, filter, GroupAttributesToRequest(config));
  Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    Result<ParsedGroup> parsed = ParseGroupEntry(entry, config, warnings);
    if (!parsed.ok()) return parsed.status();
    if (skip.count(parsed->group.anchor) != 0) return Status::Ok();
    if (parsed->more_members) {
      unfinished.push_back({groups->size(), std::string(entry.dn()), *parsed->more_members});
    }
    groups->push_back(std::move(parsed->group));
    return Status::Ok();
  });
  PMB_RETURN_IF_ERROR(status);
  // Fetched after the paged search has finished, so only one operation is in flight.
  for (const Unfinished& u : unfinished) {
    PMB_RETURN_IF_ERROR(
        CompleteGroupMembers(connection, u.raw_dn, u.more, &(*groups)[u.index], warnings));
  }
  return Status::Ok();
}

// The groups in scope (other than those in `skip`) listing any of `dns` as a member.
Status ReadGroupsListing(LdapConnection& connection, const DirectoryConfig& config,
                         const std::vector<std::string>& dns, std::unordered_set<std::string>* skip,
                         std::vector<DirectoryGroup>* groups, std::vector<std::string>* warnings) {
  for (std::size_t begin = 0; begin < dns.size(); begin += kDnsPerMemberSearch) {
    const std::size_t end = std::min(dns.size(), begin + kDnsPerMemberSearch);
    std::string any = "(|";
    for (std::size_t i = begin; i < end; ++i) {
      any += "(" + config.groups.member_attribute + "=" + EscapeFilterValue(dns[i]) + ")";
    }
    any += ")";
    const std::size_t first_new = groups->size();
    PMB_RETURN_IF_ERROR(ReadGroupsMatching(connection, config,
                                           "(&" + Parenthesized(config.groups.filter) + any + ")",
                                           *skip, groups, warnings));
    for (std::size_t i = first_new; i < groups->size(); ++i) skip->insert((*groups)[i].anchor);
  }
  return Status::Ok();
}

bool KnownAt(const KnownDns& known, const std::string& anchor, const std::string& dn) {
  auto it = known.find(anchor);
  return it != known.end() && it->second == dn;
}

}  // namespace

void RememberEverything(const FollowBatch& batch, KnownDns* known) {
  known->clear();
  for (const DirectoryEvent& event : batch.events) {
    if (event.kind == DirectoryEvent::Kind::kUserPut) {
      known->insert_or_assign(event.user.anchor, event.user.dn);
    } else if (event.kind == DirectoryEvent::Kind::kGroupPut) {
      known->insert_or_assign(event.group.anchor, event.group.dn);
    }
  }
}

Result<FollowBatch> ReadUsnChanges(LdapConnection& connection, const DirectoryConfig& config,
                                   const std::string& naming_context, UsnWindow window,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::steady_clock::time_point received,
                                   KnownDns* known) {
  FollowBatch batch;
  if (window.through <= window.after) return batch;

  Result<ChangedObjects> changed = ReadChangedObjects(connection, config, naming_context, window);
  if (!changed.ok()) return changed.status();
  Result<std::vector<std::string>> deleted =
      ReadDeleted(connection, config, naming_context, window);
  if (!deleted.ok()) return deleted.status();

  // Deletes first: the model drops a deleted user's DN from every group, and a new entry
  // given that DN in the same window must keep the memberships read for it below.
  for (const std::string& anchor : *deleted) AddGone(anchor, true, received, &batch.events);

  if (changed->containers_changed) {
    // Every DN below a renamed or moved OU changed with no entry below it bumped: only a
    // complete read (with present sets) says where everyone now is.
    Result<FollowBatch> everything = ReadEverything(connection, config, now, received);
    if (!everything.ok()) return everything.status();
    RememberEverything(*everything, known);
    everything->events.insert(everything->events.begin(),
                              std::make_move_iterator(batch.events.begin()),
                              std::make_move_iterator(batch.events.end()));
    return everything;
  }

  std::vector<DirectoryUser> users;
  PMB_RETURN_IF_ERROR(ReadUsers(connection, config, window, now, &users, &batch.warnings));
  std::vector<DirectoryGroup> groups;
  std::unordered_set<std::string> put_groups;
  PMB_RETURN_IF_ERROR(ReadGroupsMatching(connection, config, InWindow(config.groups.filter, window),
                                         put_groups, &groups, &batch.warnings));

  std::unordered_set<std::string> accounted(deleted->begin(), deleted->end());
  std::vector<std::string> new_dns;  // of entries renamed, moved or new since last handed out
  for (const DirectoryUser& user : users) {
    accounted.insert(user.anchor);
    if (!KnownAt(*known, user.anchor, user.dn)) new_dns.push_back(user.dn);
  }
  for (const DirectoryGroup& group : groups) {
    accounted.insert(group.anchor);
    put_groups.insert(group.anchor);
    if (!KnownAt(*known, group.anchor, group.dn)) new_dns.push_back(group.dn);
  }
  // Their groups were not bumped, but list them under the new DN now.
  PMB_RETURN_IF_ERROR(
      ReadGroupsListing(connection, config, new_dns, &put_groups, &groups, &batch.warnings));

  for (DirectoryUser& user : users) {
    DirectoryEvent& event =
        batch.events.emplace_back(Event(DirectoryEvent::Kind::kUserPut, received));
    event.user = std::move(user);
  }
  for (DirectoryGroup& group : groups) {
    DirectoryEvent& event =
        batch.events.emplace_back(Event(DirectoryEvent::Kind::kGroupPut, received));
    event.group = std::move(group);
  }
  accounted.insert(put_groups.begin(), put_groups.end());
  std::vector<std::string> out_of_scope;
  for (const std::string& anchor : changed->anchors) {
    if (accounted.insert(anchor).second) out_of_scope.push_back(anchor);
  }
  for (const std::string& anchor : out_of_scope) AddGone(anchor, false, received, &batch.events);

  // The poll is complete: remember where everything now is.
  for (const std::string& anchor : *deleted) known->erase(anchor);
  for (const std::string& anchor : out_of_scope) known->erase(anchor);
  for (const DirectoryEvent& event : batch.events) {
    if (event.kind == DirectoryEvent::Kind::kUserPut) {
      known->insert_or_assign(event.user.anchor, event.user.dn);
    } else if (event.kind == DirectoryEvent::Kind::kGroupPut) {
      known->insert_or_assign(event.group.anchor, event.group.dn);
    }
  }
  return batch;
}

}  // namespace pmbridge
