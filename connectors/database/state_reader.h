// Reads the PM database's state in a handful of full-table queries joined in memory —
// never a query per user: 100k users, 300k rights rows and 200k provider rows load in
// well under a second.
#pragma once

#include "bridge/pm_state.h"
#include "connectors/database/sql_backend.h"

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

// pm_modules codes and pm_providers code -> provider_id.
Catalog ReadCatalog(soci::session& sql, SqlBackend backend);

// The catalog, every pm_users row as a PmAccount ordered by user_id (rights from
// pm_user_rights: can_view -> kView, can_edit -> kEdit, can_delete -> kDelete; providers
// All() when all_providers = 1, else Selected(codes of pm_user_providers)), and every
// pmbridge_links row ordered by user_id. NULL text reads as "". Run it inside a
// transaction for a consistent view. Throws on database errors.
CurrentState ReadCurrentState(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
