#include "bridge/account_json.h"

namespace pmbridge {

nlohmann::ordered_json AccountFieldsToJson(const AccountFields& f) {
  nlohmann::ordered_json rights = nlohmann::ordered_json::object();
  for (const auto& [module, mask] : f.rights.modules()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    if (mask & kView) list.push_back("view");
    if (mask & kEdit) list.push_back("edit");
    if (mask & kDelete) list.push_back("delete");
    rights[module] = std::move(list);
  }
  nlohmann::ordered_json providers = nlohmann::ordered_json::array();
  for (std::string_view code : f.providers.codes()) providers.push_back(code);
  return {{"login", f.login},
          {"last_name", f.last_name},
          {"first_name", f.first_name},
          {"middle_initial", f.middle_initial},
          {"email", f.email},
          {"active", f.active},
          {"super_user", f.super_user},
          {"access_security", f.access_security},
          {"all_providers", f.providers.all()},
          {"providers", std::move(providers)},
          {"rights", std::move(rights)}};
}

}  // namespace pmbridge
