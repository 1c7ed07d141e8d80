#include "bridge/right_set.h"

#include <algorithm>

namespace pmbridge {

std::optional<Right> ParseRight(std::string_view name) {
  if (name == "view") return kView;
  if (name == "edit") return kEdit;
  if (name == "delete") return kDelete;
  return std::nullopt;
}

namespace {

bool ModuleLess(const std::pair<std::string, std::uint8_t>& entry, std::string_view module) {
  return entry.first < module;
}

}  // namespace

void RightSet::Grant(const std::string& module, std::uint8_t bits) {
  bits &= kAllRights;
  if (bits == 0) return;
  const auto mask = static_cast<std::uint8_t>(bits | kView);
  auto it = std::lower_bound(modules_.begin(), modules_.end(), module, ModuleLess);
  if (it != modules_.end() && it->first == module) {
    it->second |= mask;
  } else {
    modules_.emplace(it, module, mask);
  }
}

void RightSet::Merge(const RightSet& other) {
  if (modules_.empty()) {
    modules_ = other.modules_;
    return;
  }
  for (const auto& [module, mask] : other.modules_) Grant(module, mask);
}

std::uint8_t RightSet::Get(const std::string& module) const {
  auto it = std::lower_bound(modules_.begin(), modules_.end(), module, ModuleLess);
  return it != modules_.end() && it->first == module ? it->second : 0;
}

std::string RightMaskToString(std::uint8_t mask) {
  std::string out;
  auto add = [&out](const char* name) {
    if (!out.empty()) out += "+";
    out += name;
  };
  if (mask & kView) add("view");
  if (mask & kEdit) add("edit");
  if (mask & kDelete) add("delete");
  return out.empty() ? "none" : out;
}

std::string RightSet::ToString() const {
  std::string out;
  for (const auto& [module, mask] : modules_) {
    if (!out.empty()) out += " ";
    out += module + ":" + RightMaskToString(mask);
  }
  return out;
}

}  // namespace pmbridge
