// `pmbridge reconcile [--dry-run] [--force]`: apply the plan in one transaction. Exit 0
// applied or nothing to do, 1 error, 3 refused by a safety rule.
#include <iostream>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"
#include "bridge/cli/leave_to_exit.h"
#include "bridge/clock.h"
#include "bridge/reconciler.h"

namespace po = boost::program_options;

namespace pmbridge {

namespace {

// Prints what `outcome` did (or would do) and returns the exit code.
int ReportOutcome(const ReconcileOutcome& outcome, const ReconcileRequest& request) {
  const Plan& plan = outcome.assessment.plan;
  const bool applied = outcome.result == ReconcileOutcome::Result::kApplied;
  plan.Write(std::cout, applied ? PlanTense::kDone : PlanTense::kWould);
  switch (outcome.result) {
    case ReconcileOutcome::Result::kRefused:
      std::cerr << outcome.assessment.verdict.ToString() << "pmbridge: nothing was changed\n";
      return kExitRefused;
    case ReconcileOutcome::Result::kDryRun:
      std::cout << "Dry run: nothing was changed.\n";
      return kExitOk;
    case ReconcileOutcome::Result::kApplied: {
      if (request.force && !outcome.assessment.verdict.guard_refusals.empty()) {
        std::cerr << "pmbridge: --force overrode: " << outcome.assessment.verdict.ToString();
      }
      return kExitOk;
    }
    case ReconcileOutcome::Result::kNothingToDo:
      return kExitOk;
  }
  return kExitOk;
}

}  // namespace

int RunReconcile(CommandContext& context, const std::vector<std::string>& args) {
  po::options_description options("reconcile options");
  options.add_options()("dry-run", "compute and check the plan, change nothing")(
      "force", "apply even past the mass-disable guard or an empty directory read");
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge reconcile [--dry-run] [--force]", options, {}, vm,
                           &exit_code)) {
    return exit_code;
  }
  if (!context.Load()) return kExitError;
  auto directory = context.OpenDirectorySource();
  if (!directory.ok()) return ReportError(directory.status().WithContext("nothing was changed"));
  auto database = context.OpenDatabase();
  if (!database.ok()) return ReportError(database.status().WithContext("nothing was changed"));

  ReconcileRequest request;
  request.dry_run = vm.count("dry-run") != 0;
  request.force = vm.count("force") != 0;
  request.actor = CommandContext::Actor("reconcile");
  SystemClock clock;
  Reconciler reconciler(context.config(), context.mapping(), **directory, **database, clock);
  Result<ReconcileOutcome> outcome = reconciler.Reconcile(request);
  if (!outcome.ok()) return ReportError(outcome.status().WithContext("nothing was changed"));

  const int code = ReportOutcome(*outcome, request);
  LeaveToExit(std::move(*outcome));
  return code;
}

}  // namespace pmbridge
