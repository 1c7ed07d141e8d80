// The JSON form of an account's fields, shared by `plan --format json`, `explain` and the
// audit rows' before/after, so all three read the same.
#pragma once

#include <nlohmann/json.hpp>

#include "bridge/pm_state.h"

namespace pmbridge {

// {"login", "last_name", "first_name", "middle_initial", "email", "active", "super_user",
//  "access_security", "all_providers", "providers": [codes], "rights": {module: [rights]}}
// — keys in that order (ordered_json), rights and providers sorted.
nlohmann::ordered_json AccountFieldsToJson(const AccountFields& fields);

}  // namespace pmbridge
