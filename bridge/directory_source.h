// The directory seam. connectors/directory implements it with libldap.
#pragma once

#include <memory>
#include <string>

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
};

// `password` is the bind password (empty for an anonymous bind). Refuses a plaintext
// simple bind to a non-loopback host unless allow_insecure_bind.
Result<std::unique_ptr<DirectorySource>> OpenDirectory(const DirectoryConfig& config,
                                                       std::string password);

}  // namespace pmbridge
