// The directory seam. connectors/directory implements it with libldap.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bridge/directory_snapshot.h"
#include "bridge/status.h"

namespace pmbridge {

struct DirectoryConfig;

class DirectorySource {
 public:
  virtual ~DirectorySource() = default;

  // Connects and binds (for `check --connect`). Idempotent.
  virtual Status Connect() = 0;
  // Reads every user and group under the configured bases, paged. Any error, timeout,
  // size limit, missing anchor or incomplete page sequence fails the whole read: a short
  // list would look like departures.
  virtual Result<DirectorySnapshot> ReadSnapshot() = 0;

  // Called with a read's groups once every one of them is read, to take them: work on them
  // may start while the users, most of the read, still come in. Called again (with a
  // fresh copy) if the read is retried.
  using GroupsHandoff = std::function<void(std::vector<DirectoryGroup> groups)>;
  // Called on the reading thread with the users read so far, which stay where they are
  // (and are only appended to) until the next kMoving: kMore after each page's request
  // has gone out, while the server reads that page; kMoving just before the list grows
  // and its users move. Starts again from no users if the read is retried.
  enum class UsersEvent { kMore, kMoving };
  using UsersWatch = std::function<void(const std::vector<DirectoryUser>& users, UsersEvent event)>;
  struct ReadHandoffs {
    GroupsHandoff take_groups;
    UsersWatch watch_users;  // may be empty
  };
  // ReadSnapshot, handing the groups to `handoffs.take_groups` instead of returning them
  // (the snapshot's groups are then empty), and showing the users to
  // `handoffs.watch_users` as they come. The groups are handed over only if the read gets
  // that far; the read fails as ReadSnapshot does, and a failed read's groups and users
  // mean nothing. This default hands the groups over after the whole read, and shows the
  // users to nobody.
  virtual Result<DirectorySnapshot> ReadSnapshotHandingOver(const ReadHandoffs& handoffs) {
    Result<DirectorySnapshot> snapshot = ReadSnapshot();
    if (snapshot.ok()) handoffs.take_groups(std::exchange(snapshot->groups, {}));
    return snapshot;
  }
};

// `password` is the bind password (empty for an anonymous bind). Refuses a plaintext
// simple bind to a non-loopback host unless allow_insecure_bind.
Result<std::unique_ptr<DirectorySource>> OpenDirectory(const DirectoryConfig& config,
                                                       std::string password);

}  // namespace pmbridge
