#include "connectors/database/state_reader.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <soci/soci.h>

#include "connectors/database/row_cursor.h"

namespace pmbridge {
namespace {

// The queries both reads share; the partial read appends " WHERE <key> IN <keys>". No
// ORDER BY: sorting 100k rows server-side costs more than checking the order here (tables
// filled by the bridge come back in insertion order anyway).
constexpr const char* kAccountQuery =
    "SELECT user_id, login_id, last_name, first_name, middle_initial, email, active, "
    "super_user, access_security, all_providers, auth_source, disabled_reason FROM pm_users";
constexpr const char* kRightQuery =
    "SELECT user_id, module, can_view, can_edit, can_delete FROM pm_user_rights";
constexpr const char* kProviderQuery = "SELECT user_id, provider_id FROM pm_user_providers";
constexpr const char* kLinkQuery = "SELECT user_id, anchor, dn FROM pmbridge_links";

std::string Where(const char* query) { return std::string(query) + " WHERE "; }

// While it lives, SQLite reads the file through a memory map instead of read(2) calls. A
// whole-state read of 100,000 accounts reads some 40 MB of tables: 10,000 pages, each
// otherwise fetched by its own system call and copied into SQLite's page cache. The map
// is only address space (the kernel's cached pages, as they are touched) and is dropped
// afterwards, so that those pages do not stay counted in the process's memory. Writes
// never go through it.
class SqliteFileMap {
 public:
  SqliteFileMap(soci::session& sql, SqlBackend backend)
      : sql_(backend == SqlBackend::kSqlite ? &sql : nullptr) {
    if (sql_ != nullptr) *sql_ << "PRAGMA mmap_size = " + std::to_string(kBytes);
  }
  ~SqliteFileMap() {
    if (sql_ == nullptr) return;
    try {
      *sql_ << "PRAGMA mmap_size = 0";
    } catch (const std::exception&) {
      // The map then stays until the connection closes: a cost, not an error.
    }
  }
  SqliteFileMap(const SqliteFileMap&) = delete;
  SqliteFileMap& operator=(const SqliteFileMap&) = delete;

 private:
  // Beyond this much of the file, SQLite reads the rest as before.
  static constexpr long long kBytes = 1LL << 30;
  soci::session* sql_;
};

// Finds an account by user_id in the sorted accounts. Rights and provider rows mostly
// arrive grouped by user in user_id order, so the last hit and its successor are tried
// before a binary search; no per-user allocation, unlike a hash map.
class AccountFinder {
 public:
  explicit AccountFinder(std::vector<PmAccount>& accounts) : accounts_(accounts) {}

  PmAccount* Find(std::int64_t user_id) {
    for (std::size_t i : {last_, last_ + 1}) {
      if (i < accounts_.size() && accounts_[i].user_id == user_id) return &accounts_[last_ = i];
    }
    auto it = std::lower_bound(
        accounts_.begin(), accounts_.end(), user_id,
        [](const PmAccount& account, std::int64_t id) { return account.user_id < id; });
    if (it == accounts_.end() || it->user_id != user_id) return nullptr;
    last_ = static_cast<std::size_t>(it - accounts_.begin());
    return &*it;
  }

 private:
  std::vector<PmAccount>& accounts_;
  std::size_t last_ = 0;
};

template <typename Row>
void SortByUserId(std::vector<Row>& rows) {
  auto by_id = [](const Row& a, const Row& b) { return a.user_id < b.user_id; };
  if (!std::is_sorted(rows.begin(), rows.end(), by_id)) {
    std::sort(rows.begin(), rows.end(), by_id);
  }
}

// Appends the accounts of `rows` (kAccountQuery's columns), without rights or providers.
void AppendAccounts(RowCursor& rows, std::vector<PmAccount>& accounts) {
  while (rows.Next()) {
    PmAccount& account = accounts.emplace_back();
    account.user_id = rows.Int(0);
    AccountFields& f = account.fields;
    f.login = rows.Text(1);
    f.last_name = rows.Text(2);
    f.first_name = rows.Text(3);
    f.middle_initial = rows.Text(4);
    f.email = rows.Text(5);
    f.active = rows.Int(6) != 0;
    f.super_user = rows.Int(7) != 0;
    f.access_security = rows.Int(8) != 0;
    if (rows.Int(9) != 0) f.providers = ProviderScope::All();
    account.auth_source = rows.Text(10);
    account.disabled_reason = rows.Text(11);
  }
}

// Reads rows whose first column is a user_id, of `accounts` (sorted by user_id): calls
// gather(rows) for each row of an account, and settle(account) after each run of one
// account's rows. The rows of an account mostly come together, so a reader can gather
// them in one reused list and give the account its own list once, at its size; rows of
// one account in two runs settle twice, and settle makes a union.
template <typename Gather, typename Settle>
void ReadRunsByAccount(RowCursor& rows, std::vector<PmAccount>& accounts, Gather&& gather,
                       Settle&& settle) {
  AccountFinder finder(accounts);
  PmAccount* holder = nullptr;  // whose rows are being gathered
  while (rows.Next()) {
    PmAccount* account = finder.Find(rows.Int(0));
    if (account == nullptr) continue;  // the foreign key makes this impossible
    if (account != holder) {
      if (holder != nullptr) settle(*holder);
      holder = account;
    }
    gather(rows);
  }
  if (holder != nullptr) settle(*holder);
}

// Grants the rights of `rows` (kRightQuery's columns) to `accounts`, sorted by user_id.
// Each account shares the pooled set equal to its rows: 100,000 accounts hold a few dozen
// distinct sets, so this allocates a few dozen lists, not one per account.
void ReadRights(RowCursor& rows, std::vector<PmAccount>& accounts) {
  RightSetPool pool;
  RightSet::Modules gathered;
  ReadRunsByAccount(
      rows, accounts,
      [&](RowCursor& row) {
        const auto bits = static_cast<std::uint8_t>((row.Int(2) != 0 ? kView : 0) |
                                                    (row.Int(3) != 0 ? kEdit : 0) |
                                                    (row.Int(4) != 0 ? kDelete : 0));
        RightSet::GrantTo(gathered, row.Text(1), bits);
      },
      [&](PmAccount& account) {
        account.fields.rights.Merge(pool.Share(gathered));
        gathered.clear();
      });
}

// Sets the provider scopes of `accounts` (sorted by user_id) from `rows` (kProviderQuery's
// columns): every pm_user_providers row of these accounts.
void ReadProviders(RowCursor& rows, const Catalog& catalog, std::vector<PmAccount>& accounts) {
  std::unordered_map<std::int64_t, const std::string*> code_of;
  for (const auto& [code, id] : catalog.providers) code_of[id] = &code;
  std::vector<std::string_view> gathered;
  ReadRunsByAccount(
      rows, accounts,
      [&](RowCursor& row) {
        auto code = code_of.find(row.Int(1));
        if (code != code_of.end()) gathered.push_back(*code->second);
      },
      [&](PmAccount& account) {
        ProviderScope& scope = account.fields.providers;
        // all_providers = 1 wins over stray rows, as the PM screens show "All Providers".
        if (!scope.all() && !gathered.empty()) {
          std::sort(gathered.begin(), gathered.end());
          gathered.erase(std::unique(gathered.begin(), gathered.end()), gathered.end());
          ProviderScope these = ProviderScope::SelectedSorted(gathered);
          if (scope.empty()) {
            scope = std::move(these);
          } else {
            scope.Merge(these);  // rows of one account in two runs
          }
        }
        gathered.clear();
      });
}

// About how many accounts pm_users holds, to size the list up front: growing a vector of
// 100k accounts copies them and touches twice the memory, and first-touch page faults are
// dear on virtual machines. SQLite counts from the table's b-tree; PostgreSQL would scan
// the whole table for count(*) (some 20 ms at 100k rows), so its planner's estimate is
// taken instead, with a margin (too many is only address space; too few, one regrowth),
// and bounded: a stale estimate must not ask for gigabytes.
std::size_t AccountsToReserve(soci::session& sql, SqlBackend backend) {
  constexpr std::size_t kMostEstimated = 1'000'000;
  std::unique_ptr<RowCursor> count =
      backend == SqlBackend::kSqlite ? OpenCursor(sql, backend, "SELECT count(*) FROM pm_users")
                                     : OpenCursor(sql, backend,
                                                  "SELECT CAST(reltuples AS BIGINT) FROM pg_class "
                                                  "WHERE oid = to_regclass('pm_users')");
  if (!count->Next() || count->Int(0) <= 0) return 0;
  const auto rows = static_cast<std::size_t>(count->Int(0));
  return backend == SqlBackend::kSqlite ? rows : std::min(rows + rows / 8, kMostEstimated);
}

// Appends the links of `rows` (kLinkQuery's columns).
void AppendLinks(RowCursor& rows, std::vector<AccountLink>& links) {
  while (rows.Next()) {
    links.push_back({rows.Int(0), std::string(rows.Text(1)), std::string(rows.Text(2))});
  }
}

}  // namespace

Catalog ReadCatalog(soci::session& sql, SqlBackend backend) {
  Catalog catalog;
  std::unique_ptr<RowCursor> modules = OpenCursor(sql, backend, "SELECT code FROM pm_modules");
  while (modules->Next()) catalog.modules.emplace(modules->Text(0));
  std::unique_ptr<RowCursor> providers =
      OpenCursor(sql, backend, "SELECT provider_id, code FROM pm_providers");
  while (providers->Next()) catalog.providers[std::string(providers->Text(1))] = providers->Int(0);
  return catalog;
}

CurrentState ReadCurrentState(soci::session& sql, SqlBackend backend,
                              const std::function<void(const Catalog&)>& on_catalog) {
  const SqliteFileMap mapped(sql, backend);
  CurrentState state;
  state.catalog = ReadCatalog(sql, backend);
  if (on_catalog) on_catalog(state.catalog);
  state.accounts.reserve(AccountsToReserve(sql, backend));
  AppendAccounts(*OpenTableCursor(sql, backend, kAccountQuery), state.accounts);
  SortByUserId(state.accounts);
  ReadRights(*OpenTableCursor(sql, backend, kRightQuery), state.accounts);
  ReadProviders(*OpenTableCursor(sql, backend, kProviderQuery), state.catalog, state.accounts);
  // Each link names a distinct account (user_id is unique).
  state.links.reserve(state.accounts.size());
  AppendLinks(*OpenTableCursor(sql, backend, kLinkQuery), state.links);
  SortByUserId(state.links);
  return state;
}

CurrentState ReadPeople(soci::session& sql, SqlBackend backend,
                        const std::vector<std::string>& anchors,
                        const std::vector<std::string>& folded_logins) {
  CurrentState state;
  state.catalog = ReadCatalog(sql, backend);
  // Each lookup below goes through a unique index (anchor, user_id) or the folded-login
  // index; the key lists never repeat a row, so nothing is loaded twice.
  AppendLinks(*OpenCursorForKeys(sql, backend, Where(kLinkQuery), "anchor", anchors), state.links);
  AppendAccounts(*OpenCursorForKeys(sql, backend, Where(kAccountQuery),
                                    FoldedLoginExpression(backend), folded_logins),
                 state.accounts);

  // The accounts of the anchors' links that no login brought in...
  std::unordered_set<std::int64_t> loaded;
  for (const PmAccount& account : state.accounts) loaded.insert(account.user_id);
  std::vector<std::int64_t> missing;
  for (const AccountLink& link : state.links) {
    if (loaded.count(link.user_id) == 0) missing.push_back(link.user_id);
  }
  AppendAccounts(*OpenCursorForKeys(sql, backend, Where(kAccountQuery), "user_id", missing),
                 state.accounts);
  // ...and the links of the logins' accounts that no anchor brought in.
  std::unordered_set<std::int64_t> linked;
  for (const AccountLink& link : state.links) linked.insert(link.user_id);
  std::vector<std::int64_t> unlinked;
  for (const PmAccount& account : state.accounts) {
    if (linked.count(account.user_id) == 0) unlinked.push_back(account.user_id);
  }
  AppendLinks(*OpenCursorForKeys(sql, backend, Where(kLinkQuery), "user_id", unlinked),
              state.links);

  SortByUserId(state.accounts);
  SortByUserId(state.links);
  std::vector<std::int64_t> ids;
  ids.reserve(state.accounts.size());
  for (const PmAccount& account : state.accounts) ids.push_back(account.user_id);
  ReadRights(*OpenCursorForKeys(sql, backend, Where(kRightQuery), "user_id", ids), state.accounts);
  ReadProviders(*OpenCursorForKeys(sql, backend, Where(kProviderQuery), "user_id", std::move(ids)),
                state.catalog, state.accounts);
  return state;
}

ManagedCounts ReadManagedCounts(soci::session& sql, SqlBackend backend) {
  // The super users come from the partial index pm_users_active_super_users (its WHERE
  // must stay implied by this one); counting the links reads their smallest index whole.
  std::unique_ptr<RowCursor> row = OpenCursor(
      sql, backend,
      "SELECT (SELECT count(*) FROM pmbridge_links), "
      "(SELECT count(*) FROM pmbridge_links AS l JOIN pm_users AS u ON u.user_id = l.user_id "
      "WHERE u.active = 1 AND u.super_user = 1)");
  ManagedCounts counts;
  if (row->Next()) {
    counts.accounts = static_cast<int>(row->Int(0));
    counts.active_super_users = static_cast<int>(row->Int(1));
  }
  return counts;
}

}  // namespace pmbridge
