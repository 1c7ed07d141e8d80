// Writes a Plan: each change becomes its pm_users, rights, provider, link and audit rows,
// handed to a RowStore in batches of consecutive changes.
//
// Batches: a plan of fewer than kRowByRowBelow changes is written one change at a time, so
// the AfterChangeHook runs after each change's rows exist. Larger plans take the bulk path:
// batches of up to kBatchChanges (COPY on PostgreSQL), each built on a second thread while
// the one before is written; the hook runs for each change of a batch once the batch is
// written. A batch never holds two changes whose grouped write could differ from writing
// them in plan order: a create after an edit, a second login rename, or a second change of
// the same user start a new batch.
#pragma once

#include <cstddef>

#include "bridge/plan.h"
#include "bridge/pm_database.h"
#include "bridge/pm_state.h"
#include "bridge/status.h"
#include "connectors/database/audit_log.h"
#include "connectors/database/row_store.h"

namespace pmbridge {

inline constexpr std::size_t kRowByRowBelow = 64;
inline constexpr std::size_t kBatchChanges = 10000;

// Checks every change first — update, enable and disable name a user_id; every provider
// code and module is in `catalog` — and returns kDatabase naming the first culprit before
// writing anything. Then writes all changes, chaining audit rows from `tip`. Throws on
// database errors and rethrows what `hook` throws; the caller must then roll back.
Status WritePlan(RowStore& store, const Catalog& catalog, AuditTip tip, const Plan& plan,
                 const AuditContext& context, const AfterChangeHook& hook);

}  // namespace pmbridge
