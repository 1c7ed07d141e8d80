// Reads the PM database's state: all of it in a handful of full-table queries joined in
// memory — never a query per user: 100k users, 300k rights rows and 200k provider rows
// load in well under a second — or the part a few people touch, by index lookups only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bridge/pm_database.h"
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
// transaction for a consistent view. Throws on database errors. `on_catalog`, when not
// empty, is called with the catalog as soon as it is read, before the accounts.
CurrentState ReadCurrentState(soci::session& sql, SqlBackend backend,
                              const std::function<void(const Catalog&)>& on_catalog = {});

// ReadCurrentState restricted to some people: the whole catalog; the pmbridge_links rows
// whose anchor is in `anchors` and their accounts; every account whose login, folded as
// FoldedLoginExpression does, is in `folded_logins`, and its link row if it has one. Each
// account and link once, decoded and ordered as ReadCurrentState does. Index lookups
// only, in a few queries whatever the number of people. Throws on database errors.
CurrentState ReadPeople(soci::session& sql, SqlBackend backend,
                        const std::vector<std::string>& anchors,
                        const std::vector<std::string>& folded_logins);

// The number of pmbridge_links rows, and of linked accounts that are active super users.
// Throws on database errors.
ManagedCounts ReadManagedCounts(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
