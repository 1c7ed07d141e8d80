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

const RightSet::Modules& RightSet::modules() const {
  static const Modules kNone;
  return modules_ != nullptr ? *modules_ : kNone;
}

RightSet::Modules& RightSet::Writable() {
  if (modules_ == nullptr) {
    modules_ = std::make_shared<Modules>();
  } else if (modules_.use_count() > 1) {
    modules_ = std::make_shared<Modules>(*modules_);
  }
  return *modules_;
}

void RightSet::GrantTo(Modules& list, std::string_view module, std::uint8_t bits) {
  bits &= kAllRights;
  if (bits == 0) return;
  const auto mask = static_cast<std::uint8_t>(bits | kView);
  auto it = std::lower_bound(list.begin(), list.end(), module, ModuleLess);
  if (it != list.end() && it->first == module) {
    it->second |= mask;
  } else {
    list.emplace(it, module, mask);
  }
}

void RightSet::Grant(const std::string& module, std::uint8_t bits) {
  bits &= kAllRights;
  if (bits == 0) return;
  const auto mask = static_cast<std::uint8_t>(bits | kView);
  const Modules& held = modules();
  auto found = std::lower_bound(held.begin(), held.end(), module, ModuleLess);
  if (found != held.end() && found->first == module && (found->second | mask) == found->second) {
    return;  // held already: a shared list stays shared
  }
  GrantTo(Writable(), module, mask);
}

void RightSet::Merge(const RightSet& other) {
  if (empty() || modules_ == other.modules_) {
    if (!other.empty()) modules_ = other.modules_;
    return;
  }
  for (const auto& [module, mask] : other.modules()) Grant(module, mask);
}

std::uint8_t RightSet::Get(const std::string& module) const {
  const Modules& held = modules();
  auto it = std::lower_bound(held.begin(), held.end(), module, ModuleLess);
  return it != held.end() && it->first == module ? it->second : 0;
}

bool RightSet::operator==(const RightSet& other) const {
  return modules_ == other.modules_ || modules() == other.modules();
}

RightSet RightSetPool::Share(const RightSet::Modules& list) {
  RightSet set;
  if (list.empty()) return set;
  if (last_ == nullptr || *last_ != list) {
    auto it = lists_.find(list);
    if (it == lists_.end()) it = lists_.insert(std::make_shared<RightSet::Modules>(list)).first;
    last_ = *it;
  }
  set.modules_ = last_;
  return set;
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
  for (const auto& [module, mask] : modules()) {
    if (!out.empty()) out += " ";
    out += module + ":" + RightMaskToString(mask);
  }
  return out;
}

}  // namespace pmbridge
