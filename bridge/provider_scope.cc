#include "bridge/provider_scope.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <iterator>

namespace pmbridge {

ProviderScope ProviderScope::All() {
  ProviderScope s;
  s.all_ = true;
  return s;
}

ProviderScope ProviderScope::Selected(std::vector<std::string> codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return SelectedSorted(std::move(codes));
}

ProviderScope ProviderScope::SelectedSorted(std::vector<std::string> codes) {
  assert(std::adjacent_find(codes.begin(), codes.end(), std::greater_equal<>()) == codes.end());
  ProviderScope s;
  s.codes_ = std::move(codes);
  return s;
}

void ProviderScope::Merge(const ProviderScope& other) {
  if (all_) return;
  if (other.all_) {
    all_ = true;
    codes_.clear();
    return;
  }
  if (codes_.empty()) {
    codes_ = other.codes_;
    return;
  }
  std::vector<std::string> merged;
  merged.reserve(codes_.size() + other.codes_.size());
  std::set_union(codes_.begin(), codes_.end(), other.codes_.begin(), other.codes_.end(),
                 std::back_inserter(merged));
  codes_ = std::move(merged);
}

std::string ProviderScope::ToString() const {
  if (all_) return "all";
  if (codes_.empty()) return "none";
  std::string out;
  for (const std::string& code : codes_) {
    if (!out.empty()) out += ",";
    out += code;
  }
  return out;
}

}  // namespace pmbridge
