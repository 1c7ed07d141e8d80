// The detail column of an audit row: what changed and why, as JSON with a stable key
// order (it is hashed into the chain, so it must serialise the same way every time).
#pragma once

#include <string>

#include "bridge/plan.h"
#include "bridge/pm_database.h"

namespace pmbridge {

// {"event": context.event, "anchor", "dn", "reasons": [...], "before": {...} | null,
//  "after": {...}} where before / after are AccountFieldsToJson (bridge/account_json.h),
// the same form `plan --format json` and `explain` print.
std::string AuditDetailJson(const Change& change, const AuditContext& context);

}  // namespace pmbridge
