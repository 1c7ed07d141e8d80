// OpenDirectoryFollower: the change-detection strategy named by the configuration.
#include "bridge/directory_follower.h"

#include "bridge/config/config.h"
#include "connectors/directory/dirsync_follower.h"
#include "connectors/directory/syncrepl_follower.h"
#include "connectors/directory/usn_follower.h"

namespace pmbridge {

Result<std::unique_ptr<DirectoryFollower>> OpenDirectoryFollower(const DirectoryConfig& config,
                                                                 std::string password,
                                                                 const Clock& clock) {
  switch (config.change_detection) {
    case ChangeDetection::kSyncrepl:
      return OpenSyncreplFollower(config, std::move(password), clock);
    case ChangeDetection::kDirsync:
      return OpenDirsyncFollower(config, std::move(password), clock);
    case ChangeDetection::kUsn:
      return OpenUsnFollower(config, std::move(password), clock);
    case ChangeDetection::kPoll:
      return Status::InvalidInput(
          "change_detection: poll is not built yet; the daemon cannot follow this directory");
  }
  return Status::Internal("unknown change detection strategy");
}

}  // namespace pmbridge
