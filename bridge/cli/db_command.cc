// `pmbridge db init`: create the bridge's tables (and the reference PM schema). Idempotent.
#include <iostream>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"

namespace po = boost::program_options;

namespace pmbridge {

int RunDb(CommandContext& context, const std::vector<std::string>& args) {
  std::string action;
  po::options_description options("db options");
  options.add_options()("action", po::value(&action)->required(), "init");
  po::positional_options_description positional;
  positional.add("action", 1);
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge db init", options, positional, vm, &exit_code)) {
    return exit_code;
  }
  if (action != "init") {
    std::cerr << "pmbridge: unknown db action \"" << action << "\" (the only one is: init)\n";
    return kExitError;
  }
  if (!context.Load()) return kExitError;
  auto database = context.OpenDatabase(/*allow_uninitialized=*/true);
  if (!database.ok()) return ReportError(database.status());
  if (Status s = (*database)->Initialize(); !s.ok()) return ReportError(s);
  std::cout << "database " << context.config().database.backend << " ("
            << context.config().database.schema << " schema): initialised\n";
  return kExitOk;
}

}  // namespace pmbridge
