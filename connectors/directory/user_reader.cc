#include "connectors/directory/user_reader.h"

#include "connectors/directory/paged_search.h"

namespace pmbridge {

Status ReadUsers(LdapConnection& connection, const DirectoryConfig& config,
                 std::chrono::system_clock::time_point now, DirectorySnapshot* snapshot,
                 const DirectorySource::UsersWatch* watch) {
  if (config.users.attributes.anchor.empty()) {
    return Status::InvalidInput("no anchor attribute is configured");
  }
  SearchRequest request;
  request.base = config.users.base_dn;
  request.scope = LDAP_SCOPE_SUBTREE;
  request.filter = config.users.filter;
  request.attributes = UserAttributesToRequest(config);
  request.page_size = config.page_size;
  request.controls = SubtreeSearchControls(config);
  using UsersEvent = DirectorySource::UsersEvent;
  if (watch != nullptr) {
    request.on_page_sent = [watch, snapshot] { (*watch)(snapshot->users, UsersEvent::kMore); };
  }

  return PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    Result<DirectoryUser> user = ParseUserEntry(entry, config, now, &snapshot->warnings);
    if (!user.ok()) return user.status();
    std::vector<DirectoryUser>& users = snapshot->users;
    if (watch != nullptr && users.size() == users.capacity()) (*watch)(users, UsersEvent::kMoving);
    users.push_back(std::move(user).value());
    return Status::Ok();
  });
}

}  // namespace pmbridge
