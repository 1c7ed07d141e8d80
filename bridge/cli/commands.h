// One function per command; each returns the process exit code. `args` are the words after
// the command name.
#pragma once

#include <string>
#include <vector>

#include "bridge/cli/command_context.h"

namespace pmbridge {

int RunCheck(CommandContext& context, const std::vector<std::string>& args);
int RunPlan(CommandContext& context, const std::vector<std::string>& args);
int RunReconcile(CommandContext& context, const std::vector<std::string>& args);
int RunExplain(CommandContext& context, const std::vector<std::string>& args);
int RunDb(CommandContext& context, const std::vector<std::string>& args);
int RunStatus(CommandContext& context, const std::vector<std::string>& args);
int RunDaemon(CommandContext& context, const std::vector<std::string>& args);

}  // namespace pmbridge
