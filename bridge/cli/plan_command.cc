// `pmbridge plan [--format text|json]`: read both sides and print what a reconcile would
// change. Changes nothing. Exit 0 in sync, 2 changes pending, 1 error.
#include <iostream>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"

namespace po = boost::program_options;

namespace pmbridge {

int RunPlan(CommandContext& context, const std::vector<std::string>& args) {
  std::string format;
  po::options_description options("plan options");
  options.add_options()("format", po::value(&format)->default_value("text"), "text or json");
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge plan [--format text|json]", options, {}, vm,
                           &exit_code)) {
    return exit_code;
  }
  if (!CheckFormat(format, {"text", "json"})) return kExitError;
  if (!context.Load()) return kExitError;
  Result<PreviewOutcome> preview = context.Preview();
  if (!preview.ok()) return ReportError(preview.status());

  Plan plan = preview->assessment.plan;
  const SafetyVerdict& verdict = preview->assessment.verdict;
  for (const std::string& r : verdict.policy_refusals) {
    plan.warnings.push_back("reconcile would refuse this plan: " + r);
  }
  for (const std::string& r : verdict.guard_refusals) {
    plan.warnings.push_back("reconcile would refuse this plan without --force: " + r);
  }
  if (format == "json") {
    std::cout << plan.ToJson();
  } else {
    plan.Write(std::cout);
  }
  return plan.has_changes() ? kExitChangesPending : kExitOk;
}

}  // namespace pmbridge
