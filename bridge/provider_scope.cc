#include "bridge/provider_scope.h"

namespace pmbridge {

ProviderScope ProviderScope::All() {
  ProviderScope s;
  s.all_ = true;
  return s;
}

ProviderScope ProviderScope::Selected(std::set<std::string> codes) {
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
  codes_.insert(other.codes_.begin(), other.codes_.end());
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
