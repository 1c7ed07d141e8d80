// "Did you mean ...?" for misspelt keys, role names and enum values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmbridge {

// The candidate closest to `wrong` by edit distance (ignoring ASCII case), when it is close
// enough to be a likely typo; nullopt otherwise.
std::optional<std::string> ClosestName(std::string_view wrong,
                                       const std::vector<std::string>& candidates);

// "a, b, c" — the candidates sorted and joined, for hints.
std::string JoinNames(std::vector<std::string> names);

}  // namespace pmbridge
