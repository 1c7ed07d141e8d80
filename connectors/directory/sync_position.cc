#include "connectors/directory/sync_position.h"

#include <nlohmann/json.hpp>

namespace pmbridge {

namespace {
constexpr char kUsersKey[] = "users";
constexpr char kGroupsKey[] = "groups";
}  // namespace

Result<SyncPosition> ParseSyncPosition(std::string_view text) {
  SyncPosition position;
  if (text.empty()) return position;
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return Status::InvalidInput("sync position '" + std::string(text) +
                                "' is not a JSON object with the users and groups cookies");
  }
  for (const auto& [key, value] : json.items()) {
    std::string* cookie = key == kUsersKey    ? &position.users_cookie
                          : key == kGroupsKey ? &position.groups_cookie
                                              : nullptr;
    if (cookie == nullptr) {
      return Status::InvalidInput("sync position '" + std::string(text) + "' has an unknown key '" +
                                  key + "'");
    }
    if (!value.is_string()) {
      return Status::InvalidInput("sync position '" + std::string(text) + "': " + key +
                                  " is not a string");
    }
    *cookie = value.get<std::string>();
  }
  return position;
}

Result<std::string> FormatSyncPosition(const SyncPosition& position) {
  nlohmann::json json = nlohmann::json::object();
  json[kUsersKey] = position.users_cookie;
  json[kGroupsKey] = position.groups_cookie;
  try {
    return json.dump();
  } catch (const nlohmann::json::exception& e) {
    return Status::Directory(std::string("a sync cookie cannot be stored as text: ") + e.what());
  }
}

}  // namespace pmbridge
