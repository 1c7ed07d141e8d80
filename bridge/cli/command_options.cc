#include "bridge/cli/command_options.h"

#include <algorithm>
#include <iostream>

namespace po = boost::program_options;

namespace pmbridge {

bool ParseCommandOptions(const std::vector<std::string>& args, const std::string& usage,
                         po::options_description& options,
                         const po::positional_options_description& positional,
                         po::variables_map& vm, int* exit_code) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "pmbridge: " << e.what() << "\nusage: " << usage << "\n" << options;
    *exit_code = 1;
    return false;
  }
  if (vm.count("help") != 0) {
    std::cerr << "usage: " << usage << "\n" << options;
    *exit_code = 0;
    return false;
  }
  return true;
}

bool CheckFormat(const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  std::cerr << "pmbridge: unknown format \"" << value << "\" (one of: " << list << ")\n";
  return false;
}

}  // namespace pmbridge
