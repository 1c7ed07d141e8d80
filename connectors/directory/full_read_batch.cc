#include "connectors/directory/full_read_batch.h"

#include <unordered_set>
#include <utility>

#include "bridge/directory_snapshot.h"
#include "connectors/directory/group_reader.h"
#include "connectors/directory/user_reader.h"

namespace pmbridge {

Result<FollowBatch> ReadEverything(LdapConnection& connection, const DirectoryConfig& config,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::steady_clock::time_point received) {
  DirectorySnapshot snapshot;
  PMB_RETURN_IF_ERROR(ReadUsers(connection, config, now, &snapshot));
  PMB_RETURN_IF_ERROR(ReadGroups(connection, config, &snapshot));

  FollowBatch batch;
  batch.events.reserve(snapshot.users.size() + snapshot.groups.size());
  std::unordered_set<std::string> users_present;
  users_present.reserve(snapshot.users.size());
  for (DirectoryUser& user : snapshot.users) {
    users_present.insert(user.anchor);
    DirectoryEvent& event = batch.events.emplace_back();
    event.kind = DirectoryEvent::Kind::kUserPut;
    event.received = received;
    event.user = std::move(user);
  }
  std::unordered_set<std::string> groups_present;
  groups_present.reserve(snapshot.groups.size());
  for (DirectoryGroup& group : snapshot.groups) {
    groups_present.insert(group.anchor);
    DirectoryEvent& event = batch.events.emplace_back();
    event.kind = DirectoryEvent::Kind::kGroupPut;
    event.received = received;
    event.group = std::move(group);
  }
  batch.users_present = std::move(users_present);
  batch.groups_present = std::move(groups_present);
  batch.warnings = std::move(snapshot.warnings);
  return batch;
}

}  // namespace pmbridge
