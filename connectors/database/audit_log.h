// The audit trail: one pmbridge_audit row per applied change, chained by SHA-256 so that
// editing or deleting a row is detectable (behaviour rule 8).
//
// Canonical serialisation hashed for a row (all text UTF-8, seq in decimal):
//   "pmbridge-audit-v1" followed, for each field in the order prev_hash, seq, at, actor,
//   action, login_id, detail, by "\n" <byte length in decimal> ":" <field bytes>.
// hash = lowercase hex SHA-256 of that; prev_hash is the previous row's hash ("" for the
// first row); `at` is "2026-11-23T08:50:51.123Z". Length prefixes make the encoding
// unambiguous whatever the fields contain.
#pragma once

#include <cstdint>
#include <string>

#include "bridge/pm_database.h"
#include "connectors/database/sql_backend.h"

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

struct AuditRow {
  std::int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;
  std::string login_id;
  std::string detail;
  std::string prev_hash;
  std::string hash;
};

// The hash of `row` from every field but `hash` itself.
std::string AuditRowHash(const AuditRow& row);

// The end of the chain: the last row's seq and hash (0 and "" when empty).
struct AuditTip {
  std::int64_t seq = 0;
  std::string hash;
};

// Reads the tip. Call it under the write lock, so the next seq is ours alone.
AuditTip ReadAuditTip(soci::session& sql);

// Recomputes every row's hash in seq order and checks each prev_hash against the row
// before; the first row that fails either check is first_bad_seq.
AuditChainCheck CheckAuditChain(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
