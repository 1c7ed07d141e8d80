// What both Active Directory change followers (DirSync, uSNChanged) need of the
// configuration before they connect.
#pragma once

#include <string_view>

#include "bridge/config/config.h"
#include "bridge/status.h"

namespace pmbridge {

// kInvalidInput unless `config` is an Active Directory one anchored on objectGUID
// (tombstones name deleted objects by it and little else), with a member attribute and a
// positive timeout and poll interval; then the bind policy (CheckBindPolicy). `strategy`
// ("dirsync", "usn") names the change_detection in messages.
Status CheckActiveDirectoryFollowerConfig(const DirectoryConfig& config, std::string_view strategy,
                                          bool has_password);

}  // namespace pmbridge
