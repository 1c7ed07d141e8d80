#include "connectors/database/audit_detail.h"

#include <nlohmann/json.hpp>

#include "bridge/account_json.h"

namespace pmbridge {

std::string AuditDetailJson(const Change& change, const AuditContext& context) {
  nlohmann::ordered_json detail;
  detail["event"] = context.event;
  detail["anchor"] = change.anchor;
  detail["dn"] = change.dn;
  detail["reasons"] = change.reasons;
  detail["before"] = change.before ? AccountFieldsToJson(*change.before) : nullptr;
  detail["after"] = AccountFieldsToJson(change.after);
  // Replace rather than throw on invalid UTF-8 from the directory: the audit row must be
  // written, and the hash covers whatever text was stored.
  return detail.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace pmbridge
