#include "connectors/database/state_reader.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "connectors/database/row_cursor.h"

namespace pmbridge {
namespace {

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

  std::size_t index_of(const PmAccount* account) const {
    return static_cast<std::size_t>(account - accounts_.data());
  }

 private:
  std::vector<PmAccount>& accounts_;
  std::size_t last_ = 0;
};

// No ORDER BY in these queries: sorting 100k rows server-side costs more than checking
// the order here (tables filled by the bridge come back in insertion order anyway).
void ReadAccounts(soci::session& sql, SqlBackend backend, CurrentState& state) {
  // Sized up front: growing a vector of 100k accounts copies them and touches twice the
  // memory, and first-touch page faults are dear on virtual machines.
  std::unique_ptr<RowCursor> count = OpenCursor(sql, backend, "SELECT count(*) FROM pm_users");
  if (count->Next()) state.accounts.reserve(static_cast<std::size_t>(count->Int(0)));
  std::unique_ptr<RowCursor> rows = OpenCursor(
      sql, backend,
      "SELECT user_id, login_id, last_name, first_name, middle_initial, email, active, "
      "super_user, access_security, all_providers, auth_source, disabled_reason FROM pm_users");
  while (rows->Next()) {
    PmAccount& account = state.accounts.emplace_back();
    account.user_id = rows->Int(0);
    AccountFields& f = account.fields;
    f.login = rows->Text(1);
    f.last_name = rows->Text(2);
    f.first_name = rows->Text(3);
    f.middle_initial = rows->Text(4);
    f.email = rows->Text(5);
    f.active = rows->Int(6) != 0;
    f.super_user = rows->Int(7) != 0;
    f.access_security = rows->Int(8) != 0;
    if (rows->Int(9) != 0) f.providers = ProviderScope::All();
    account.auth_source = rows->Text(10);
    account.disabled_reason = rows->Text(11);
  }
  auto by_id = [](const PmAccount& a, const PmAccount& b) { return a.user_id < b.user_id; };
  if (!std::is_sorted(state.accounts.begin(), state.accounts.end(), by_id)) {
    std::sort(state.accounts.begin(), state.accounts.end(), by_id);
  }
}

void ReadRights(soci::session& sql, SqlBackend backend, CurrentState& state) {
  AccountFinder finder(state.accounts);
  std::unique_ptr<RowCursor> rows = OpenCursor(
      sql, backend, "SELECT user_id, module, can_view, can_edit, can_delete FROM pm_user_rights");
  while (rows->Next()) {
    PmAccount* account = finder.Find(rows->Int(0));
    if (account == nullptr) continue;  // the foreign key makes this impossible
    std::uint8_t bits = static_cast<std::uint8_t>((rows->Int(2) != 0 ? kView : 0) |
                                                  (rows->Int(3) != 0 ? kEdit : 0) |
                                                  (rows->Int(4) != 0 ? kDelete : 0));
    account->fields.rights.Grant(std::string(rows->Text(1)), bits);
  }
}

void ReadProviders(soci::session& sql, SqlBackend backend, CurrentState& state) {
  AccountFinder finder(state.accounts);
  std::unordered_map<std::int64_t, const std::string*> code_of;
  for (const auto& [code, id] : state.catalog.providers) code_of[id] = &code;

  std::vector<std::set<std::string>> codes(state.accounts.size());
  std::unique_ptr<RowCursor> rows =
      OpenCursor(sql, backend, "SELECT user_id, provider_id FROM pm_user_providers");
  while (rows->Next()) {
    PmAccount* account = finder.Find(rows->Int(0));
    auto code = code_of.find(rows->Int(1));
    if (account != nullptr && code != code_of.end()) {
      codes[finder.index_of(account)].insert(*code->second);
    }
  }
  for (std::size_t i = 0; i < state.accounts.size(); ++i) {
    ProviderScope& scope = state.accounts[i].fields.providers;
    // all_providers = 1 wins over stray rows, as the PM screens show "All Providers".
    if (!scope.all() && !codes[i].empty()) scope = ProviderScope::Selected(std::move(codes[i]));
  }
}

void ReadLinks(soci::session& sql, SqlBackend backend, CurrentState& state) {
  std::unique_ptr<RowCursor> rows =
      OpenCursor(sql, backend, "SELECT user_id, anchor, dn FROM pmbridge_links");
  while (rows->Next()) {
    state.links.push_back({rows->Int(0), std::string(rows->Text(1)), std::string(rows->Text(2))});
  }
  auto by_id = [](const AccountLink& a, const AccountLink& b) { return a.user_id < b.user_id; };
  if (!std::is_sorted(state.links.begin(), state.links.end(), by_id)) {
    std::sort(state.links.begin(), state.links.end(), by_id);
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

CurrentState ReadCurrentState(soci::session& sql, SqlBackend backend) {
  CurrentState state;
  state.catalog = ReadCatalog(sql, backend);
  ReadAccounts(sql, backend, state);
  ReadRights(sql, backend, state);
  ReadProviders(sql, backend, state);
  ReadLinks(sql, backend, state);
  return state;
}

}  // namespace pmbridge
