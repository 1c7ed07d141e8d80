#include "connectors/directory/user_reader.h"

#include "connectors/directory/paged_search.h"

namespace pmbridge {

Status ReadUsers(LdapConnection& connection, const DirectoryConfig& config,
                 std::chrono::system_clock::time_point now, DirectorySnapshot* snapshot) {
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

  return PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    Result<DirectoryUser> user = ParseUserEntry(entry, config, now, &snapshot->warnings);
    if (!user.ok()) return user.status();
    snapshot->users.push_back(std::move(user).value());
    return Status::Ok();
  });
}

}  // namespace pmbridge
