// RightSet: per PM module, which of view / edit / delete an account holds. `edit` and
// `delete` imply `view` (the PM screens cannot edit what they cannot show), so the set is
// kept normalised: adding edit or delete adds view too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
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
  bool empty() const { return modules_ == nullptr || modules_->empty(); }
  // (module, mask) pairs sorted by module; masks are never 0. A flat vector rather than a
  // map: a person holds a handful of modules.
  using Modules = std::vector<std::pair<std::string, std::uint8_t>>;
  const Modules& modules() const;
  // Grant on a bare list, kept as a set keeps its own: a reader builds each account's
  // rights in one reused list and takes the set from a RightSetPool.
  static void GrantTo(Modules& list, std::string_view module, std::uint8_t bits);

  // "charges:view+edit payments:view+edit+delete" — sorted, stable, for plans and tests.
  std::string ToString() const;
  bool operator==(const RightSet& other) const;

 private:
  friend class RightSetPool;

  // The list, copied first if another set shares it.
  Modules& Writable();

  // Shared between copies (and, through a RightSetPool, between equal sets): 100,000
  // people hold a few dozen distinct sets of rights, and a copy allocates nothing. Changed
  // in place only while this set is its sole owner.
  std::shared_ptr<Modules> modules_;
};

// Makes equal sets share one list. A reconcile reads 100,000 accounts and resolves
// 100,000 people, and each side holds only a few dozen distinct sets of rights.
class RightSetPool {
 public:
  // A set holding `list` (as GrantTo builds it, or another set's modules()), sharing the
  // list of an equal set passed before; `list` is copied only when no such set was.
  RightSet Share(const RightSet::Modules& list);

 private:
  struct ListLess {
    using is_transparent = void;
    bool operator()(const std::shared_ptr<RightSet::Modules>& a,
                    const std::shared_ptr<RightSet::Modules>& b) const {
      return *a < *b;
    }
    bool operator()(const std::shared_ptr<RightSet::Modules>& a, const RightSet::Modules& b) const {
      return *a < b;
    }
    bool operator()(const RightSet::Modules& a, const std::shared_ptr<RightSet::Modules>& b) const {
      return a < *b;
    }
  };
  std::set<std::shared_ptr<RightSet::Modules>, ListLess> lists_;
  // The list found last: accounts read in order often hold the same rights as the one
  // before.
  std::shared_ptr<RightSet::Modules> last_;
};

// "view+edit" for a mask; "none" for 0.
std::string RightMaskToString(std::uint8_t mask);

}  // namespace pmbridge
