#include "connectors/directory/ad_follower_config.h"

#include <string>

#include "connectors/directory/attribute_description.h"
#include "connectors/directory/bind_policy.h"

namespace pmbridge {

Status CheckActiveDirectoryFollowerConfig(const DirectoryConfig& config, std::string_view strategy,
                                          bool has_password) {
  const std::string named = "change_detection: " + std::string(strategy);
  if (config.flavor != DirectoryFlavor::kActiveDirectory) {
    return Status::InvalidInput(named +
                                " needs an Active Directory server (flavor: active_directory); "
                                "for OpenLDAP use syncrepl");
  }
  if (!SameAttribute(config.users.attributes.anchor, "objectGUID")) {
    return Status::InvalidInput(named +
                                " names deleted objects by objectGUID (a tombstone keeps little "
                                "else), so the anchor attribute must be objectGUID, not '" +
                                config.users.attributes.anchor + "'");
  }
  if (config.groups.member_attribute.empty()) {
    return Status::InvalidInput("no member attribute is configured");
  }
  if (config.timeout.count() <= 0) {
    return Status::InvalidInput("directory timeout must be positive");
  }
  if (config.poll_interval.count() <= 0) {
    return Status::InvalidInput("directory poll_interval must be positive");
  }
  return CheckBindPolicy(config, has_password);
}

}  // namespace pmbridge
