// Parsing a command's own options with Boost.Program_options; exceptions stay here.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace pmbridge {

// Parses `args` into `vm`. On an error or `--help`, prints to stderr (usage with `usage`
// as its first line) and returns false; `*exit_code` is then 1 for an error, 0 for help.
bool ParseCommandOptions(const std::vector<std::string>& args, const std::string& usage,
                         boost::program_options::options_description& options,
                         const boost::program_options::positional_options_description& positional,
                         boost::program_options::variables_map& vm, int* exit_code);

// `value` must be one of "text"/"json" (and "html"/"csv" where allowed).
bool CheckFormat(const std::string& value, const std::vector<std::string>& allowed);

}  // namespace pmbridge
