// `pmbridge status`: the last reconcile, the sync position, account counts and the state
// of the audit hash chain.
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"
#include "bridge/reconciler.h"

namespace po = boost::program_options;

namespace pmbridge {
namespace {

void PrintLastReconcile(const std::optional<std::string>& record) {
  if (!record) {
    std::cout << "last reconcile: never\n";
    return;
  }
  nlohmann::json j = nlohmann::json::parse(*record, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    std::cout << "last reconcile: (unreadable record)\n";
    return;
  }
  const nlohmann::json& s = j["summary"];
  std::cout << "last reconcile: " << j.value("at", "?") << " by " << j.value("actor", "?") << " ("
            << j.value("event", "?") << "): " << s.value("create", 0) << " created, "
            << s.value("update", 0) << " updated, " << s.value("enable", 0) << " enabled, "
            << s.value("disable", 0) << " disabled, " << s.value("unchanged", 0) << " unchanged"
            << (j.value("forced", false) ? " (forced)" : "") << "\n";
}

}  // namespace

int RunStatus(CommandContext& context, const std::vector<std::string>& args) {
  po::options_description options("status options");
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge status", options, {}, vm, &exit_code)) return exit_code;
  if (!context.Load()) return kExitError;
  auto database = context.OpenDatabase(/*allow_uninitialized=*/true);
  if (!database.ok()) return ReportError(database.status());
  PmDatabase& db = **database;
  Result<bool> initialized = db.IsInitialized();
  if (!initialized.ok()) return ReportError(initialized.status());
  std::cout << "database: " << context.config().database.backend << "\n";
  if (!*initialized) {
    std::cout << "state: not initialised (run `pmbridge db init`)\n";
    return kExitOk;
  }
  Result<std::optional<std::string>> last = db.GetState(kStateLastReconcile);
  if (!last.ok()) return ReportError(last.status());
  PrintLastReconcile(*last);
  for (const char* name : {"syncrepl_cookie", "dirsync_cookie", "usn"}) {
    Result<std::optional<std::string>> position = db.GetState(name);
    if (!position.ok()) return ReportError(position.status());
    if (*position) std::cout << "sync position: " << name << " = " << **position << "\n";
  }

  Result<CurrentState> current = db.LoadCurrentState();
  if (!current.ok()) return ReportError(current.status());
  std::unordered_set<std::int64_t> managed;
  for (const AccountLink& l : current->links) managed.insert(l.user_id);
  int managed_active = 0, managed_disabled = 0, unmanaged_active = 0, unmanaged_super = 0;
  for (const PmAccount& a : current->accounts) {
    if (managed.count(a.user_id) != 0) {
      (a.fields.active ? managed_active : managed_disabled)++;
    } else if (a.fields.active) {
      ++unmanaged_active;
      if (a.fields.super_user) ++unmanaged_super;
    }
  }
  std::cout << "accounts: " << current->accounts.size() << " in the PM database; " << managed.size()
            << " managed (" << managed_active << " active, " << managed_disabled << " disabled); "
            << unmanaged_active << " unmanaged active (" << unmanaged_super
            << (unmanaged_super == 1 ? " super user)\n" : " super users)\n");

  Result<AuditChainCheck> chain = db.VerifyAuditChain();
  if (!chain.ok()) return ReportError(chain.status());
  std::cout << "audit log: " << chain->rows << " rows, hash chain "
            << (chain->intact ? "intact" : "BROKEN at seq " + std::to_string(chain->first_bad_seq))
            << "\n";
  return chain->intact ? kExitOk : kExitError;
}

}  // namespace pmbridge
