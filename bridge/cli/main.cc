// pmbridge [--config FILE] COMMAND [options]
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"
#include "bridge/cli/huge_page_heap.h"

namespace {

constexpr const char* kUsage = R"(usage: pmbridge [--config FILE] COMMAND [options]

Keeps the user accounts of a practice-management database in step with a directory.

commands:
  check [--connect]                 validate config and mappings (--connect: and the servers)
  plan [--format text|json]         show what a reconcile would change (exit 2 when changes)
  reconcile [--dry-run] [--force]   apply the plan in one transaction (exit 3 when refused)
  explain LOGIN [--format text|json]  where each right, provider and flag of LOGIN comes from
  db init                           create the bridge's tables (and the reference PM schema)
  status                            last reconcile, sync position, counts, audit chain
  run [--log-format text|json]      the daemon: reconcile, then follow the directory

FILE defaults to $PMBRIDGE_CONFIG, else /etc/pmbridge/bridge.yaml.
`pmbridge COMMAND --help` shows a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  pmbridge::UseHugePagesForHeap(argv);
  using pmbridge::CommandContext;
  std::string config_path;
  if (const char* env = std::getenv("PMBRIDGE_CONFIG"); env != nullptr && *env != '\0') {
    config_path = env;
  } else {
    config_path = "/etc/pmbridge/bridge.yaml";
  }

  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" || arg == "-c") {
      if (i + 1 >= argc) {
        std::cerr << "pmbridge: --config needs a file\n" << kUsage;
        return pmbridge::kExitError;
      }
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(std::strlen("--config="));
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return pmbridge::kExitOk;
    } else if (arg == "--version") {
      std::cout << "pmbridge " << PMBRIDGE_VERSION << "\n";
      return pmbridge::kExitOk;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "pmbridge: unknown option " << arg << "\n" << kUsage;
      return pmbridge::kExitError;
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::cerr << kUsage;
    return pmbridge::kExitError;
  }
  const std::string command = argv[i];
  const std::vector<std::string> args(argv + i + 1, argv + argc);

  using Handler = int (*)(CommandContext&, const std::vector<std::string>&);
  const std::map<std::string, Handler> commands = {
      {"check", pmbridge::RunCheck},
      {"plan", pmbridge::RunPlan},
      {"reconcile", pmbridge::RunReconcile},
      {"explain", pmbridge::RunExplain},
      {"db", pmbridge::RunDb},
      {"status", pmbridge::RunStatus},
      {"run", pmbridge::RunDaemon},
  };
  auto it = commands.find(command);
  if (it == commands.end()) {
    std::cerr << "pmbridge: unknown command \"" << command << "\"\n" << kUsage;
    return pmbridge::kExitError;
  }
  CommandContext context(config_path);
  return it->second(context, args);
}
