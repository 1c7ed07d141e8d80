#include "bridge/right_set.h"

namespace pmbridge {

std::optional<Right> ParseRight(std::string_view name) {
  if (name == "view") return kView;
  if (name == "edit") return kEdit;
  if (name == "delete") return kDelete;
  return std::nullopt;
}

void RightSet::Grant(const std::string& module, std::uint8_t bits) {
  bits &= kAllRights;
  if (bits == 0) return;
  modules_[module] |= static_cast<std::uint8_t>(bits | kView);
}

void RightSet::Merge(const RightSet& other) {
  for (const auto& [module, mask] : other.modules_) modules_[module] |= mask;
}

std::uint8_t RightSet::Get(const std::string& module) const {
  auto it = modules_.find(module);
  return it == modules_.end() ? 0 : it->second;
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
