#include "bridge/config/closest_name.h"

#include <algorithm>
#include <cstddef>

namespace pmbridge {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, the most
// common typo), ASCII case ignored.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = Fold(a[i - 1]) == Fold(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && Fold(a[i - 1]) == Fold(b[j - 2]) && Fold(a[i - 2]) == Fold(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view wrong,
                                       const std::vector<std::string>& candidates) {
  // Long keys are only compared when the lengths are close: the distance is quadratic, and
  // a key of 200 characters is not a typo of `base_dn`.
  constexpr std::size_t kMaxLength = 64;
  if (wrong.size() > kMaxLength) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  std::optional<std::string> prefix_match;
  for (const std::string& candidate : candidates) {
    std::size_t d = EditDistance(wrong, candidate);
    // Up to a third of the longer name may differ, at least one and at most three edits.
    std::size_t longer = std::max(wrong.size(), candidate.size());
    std::size_t allowed = std::clamp<std::size_t>(longer / 3, 1, 3);
    if (d <= allowed && (!best || d < best_distance)) {
      best = candidate;
      best_distance = d;
    }
    // "polling" for "poll", "attribute" for "attributes": one is the start of the other.
    std::size_t shorter = std::min(wrong.size(), candidate.size());
    if (!prefix_match && shorter >= 3 &&
        EditDistance(wrong.substr(0, shorter), std::string_view(candidate).substr(0, shorter)) ==
            0) {
      prefix_match = candidate;
    }
  }
  return best ? best : prefix_match;
}

std::string JoinNames(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace pmbridge
