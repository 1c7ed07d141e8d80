// `pmbridge check [--connect]`: validate the administrator's files; with --connect, also
// bind to the directory and check the mappings against the PM database's catalog.
#include <iostream>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"

namespace po = boost::program_options;

namespace pmbridge {

int RunCheck(CommandContext& context, const std::vector<std::string>& args) {
  po::options_description options("check options");
  options.add_options()("connect", "also bind to the directory and open the database");
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge check [--connect]", options, {}, vm, &exit_code)) {
    return exit_code;
  }
  if (!context.Load()) {
    std::cerr << "pmbridge: " << context.config_path() << " is not valid; nothing was checked "
              << "against the servers\n";
    return kExitError;
  }
  const Config& config = context.config();
  const Mapping& mapping = context.mapping();
  std::cout << "configuration " << config.path << ": valid\n"
            << "mappings: " << mapping.files.size() << " file(s), " << mapping.roles.size()
            << " role(s), " << mapping.groups.size() << " group rule(s)\n";
  if (vm.count("connect") == 0) return kExitOk;

  bool failed = false;
  Result<std::unique_ptr<DirectorySource>> directory = context.OpenDirectorySource();
  if (directory.ok()) {
    std::cout << "directory " << config.directory.url << ": connected and bound"
              << (config.directory.bind_dn.empty() ? " anonymously"
                                                   : " as " + config.directory.bind_dn)
              << "\n";
  } else {
    std::cerr << "pmbridge: " << directory.status().ToString() << "\n";
    failed = true;
  }
  Result<std::unique_ptr<PmDatabase>> database = context.OpenDatabase();
  if (!database.ok()) {
    std::cerr << "pmbridge: " << database.status().ToString() << "\n";
    return kExitError;
  }
  Result<CurrentState> current = (*database)->LoadCurrentState();
  if (!current.ok()) return ReportError(current.status());
  Diagnostics catalog = CheckMappingAgainstCatalog(mapping, current->catalog);
  std::cerr << catalog.ToString();
  if (catalog.has_errors()) {
    failed = true;
  } else {
    std::cout << "database " << config.database.backend << ": open; every module and provider "
              << "the mappings name exists\n";
  }
  return failed ? kExitError : kExitOk;
}

}  // namespace pmbridge
