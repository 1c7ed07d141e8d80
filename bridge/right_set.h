// RightSet: per PM module, which of view / edit / delete an account holds. `edit` and
// `delete` imply `view` (the PM screens cannot edit what they cannot show), so the set is
// kept normalised: adding edit or delete adds view too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmbridge {

enum Right : std::uint8_t {
  kView = 1,
  kEdit = 2,
  kDelete = 4,
};
inline constexpr std::uint8_t kAllRights = kView | kEdit | kDelete;

// "view" -> kView, ...; nullopt for anything else.
std::optional<Right> ParseRight(std::string_view name);

class RightSet {
 public:
  // Adds `bits` (a mask of Right) for `module`, with the implied view.
  void Grant(const std::string& module, std::uint8_t bits);
  // Union with `other`.
  void Merge(const RightSet& other);

  // The mask held for `module`; 0 when none.
  std::uint8_t Get(const std::string& module) const;
  bool empty() const { return modules_.empty(); }
  // (module, mask) pairs sorted by module; masks are never 0. A flat vector rather than a
  // map: a person holds a handful of modules, and 100,000 people's rights are one
  // allocation each instead of one per module.
  using Modules = std::vector<std::pair<std::string, std::uint8_t>>;
  const Modules& modules() const { return modules_; }

  // "charges:view+edit payments:view+edit+delete" — sorted, stable, for plans and tests.
  std::string ToString() const;
  bool operator==(const RightSet&) const = default;

 private:
  Modules modules_;
};

// "view+edit" for a mask; "none" for 0.
std::string RightMaskToString(std::uint8_t mask);

}  // namespace pmbridge
