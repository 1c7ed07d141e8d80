// Which SQL backend a session talks to, and the few pieces of SQL that differ between
// them. Everything else is written once, in the common subset of SQLite and PostgreSQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace soci {
class session;
}  // namespace soci

namespace pmbridge {

enum class SqlBackend { kSqlite, kPostgresql };

// Key of the PostgreSQL advisory lock every bridge writer takes (pg_advisory_xact_lock),
// so two reconciles never interleave. "pmbridge" in ASCII.
inline constexpr std::int64_t kWriteLockKey = 0x706d627269646765;

// A SELECT expression reading the timestamp column `column` as "2026-11-23T08:50:51.123Z".
// SQLite stores that text as is; PostgreSQL stores timestamptz and formats it in UTC.
std::string TimestampAsText(SqlBackend backend, std::string_view column);

// An SQL expression folding pm_users.login_id to ASCII lower case, exactly as the engine
// folds logins (A-Z only). SQLite's lower() is that (without the ICU extension).
// PostgreSQL's lower() follows the database's locale: it folds non-ASCII letters too, and
// under tr_TR turns 'I' into a dotless 'ı', so translate() spells out A-Z instead. The
// schema indexes this expression, so a lookup by folded login reads the index only.
std::string FoldedLoginExpression(SqlBackend backend);

// Starts a transaction that holds the bridge's write lock until COMMIT or ROLLBACK:
// SQLite BEGIN IMMEDIATE (waits up to the busy timeout for another writer), PostgreSQL
// BEGIN + pg_advisory_xact_lock (waits for as long as the other writer holds it).
void BeginLockedTransaction(soci::session& sql, SqlBackend backend);

// What has been committed to the database, as a token: read twice on one session, equal
// tokens mean nobody else committed anything in between. Read it as the first statement
// of a transaction and it stands for that transaction's snapshot. SQLite: PRAGMA
// data_version, which counts other connections' commits; its read starts the
// transaction's read snapshot. PostgreSQL: pg_current_snapshot(), which every commit or
// abort in the cluster changes (xmax or the in-progress list); in REPEATABLE READ it is
// the transaction's snapshot, in READ COMMITTED the statement's.
std::string ReadCommitVersion(soci::session& sql, SqlBackend backend);

// Starts a read-only transaction whose statements all see one snapshot: PostgreSQL
// REPEATABLE READ, SQLite a deferred transaction (WAL readers see one snapshot).
void BeginSnapshotTransaction(soci::session& sql, SqlBackend backend);

}  // namespace pmbridge
