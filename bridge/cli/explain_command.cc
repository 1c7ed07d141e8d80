// `pmbridge explain LOGIN [--format text|json]`: where each right, provider and flag of one
// person comes from. Exit 1 when neither the directory nor the database knows LOGIN.
#include <iostream>

#include "bridge/cli/command_options.h"
#include "bridge/cli/commands.h"
#include "bridge/cli/exit_codes.h"
#include "bridge/explanation.h"

namespace po = boost::program_options;

namespace pmbridge {

int RunExplain(CommandContext& context, const std::vector<std::string>& args) {
  std::string login, format;
  po::options_description options("explain options");
  options.add_options()("login", po::value(&login)->required(), "the PM login to explain")(
      "format", po::value(&format)->default_value("text"), "text or json");
  po::positional_options_description positional;
  positional.add("login", 1);
  po::variables_map vm;
  int exit_code = 0;
  if (!ParseCommandOptions(args, "pmbridge explain LOGIN [--format text|json]", options, positional,
                           vm, &exit_code)) {
    return exit_code;
  }
  if (!CheckFormat(format, {"text", "json"})) return kExitError;
  if (!context.Load()) return kExitError;
  Result<PreviewOutcome> preview = context.Preview();
  if (!preview.ok()) return ReportError(preview.status());
  std::optional<Explanation> x =
      Explain(login, preview->assessment, preview->current, context.mapping());
  if (!x) {
    std::cerr << "pmbridge: unknown login " << login
              << ": neither the directory (under the users base) nor the PM database has it\n";
    return kExitError;
  }
  std::cout << (format == "json" ? x->ToJson() : x->ToString());
  return kExitOk;
}

}  // namespace pmbridge
