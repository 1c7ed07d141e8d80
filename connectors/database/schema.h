// The reference PM schema (DESIGN.md "The reference PM schema") and the bridge's own
// tables, as DDL for each backend. Column names are the contract; types follow the
// backend: SQLite INTEGER / TEXT with ISO-8601 UTC text timestamps, PostgreSQL bigint
// identity / text / smallint 0-1 flags / timestamptz.
#pragma once

#include "connectors/database/sql_backend.h"

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

// pmbridge_state row holding the version of the bridge's tables.
inline constexpr const char* kSchemaVersionName = "pmbridge_schema_version";
inline constexpr int kSchemaVersion = 1;

// Creates every table that does not exist yet, seeds pm_modules with the rows that are
// missing and records the schema version. Idempotent; the caller supplies the transaction.
// Throws soci::soci_error, and std::runtime_error when the database holds a newer schema.
void CreateReferenceSchema(soci::session& sql, SqlBackend backend);

// True when pmbridge_links, pmbridge_state and pmbridge_audit all exist.
bool BridgeTablesExist(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
