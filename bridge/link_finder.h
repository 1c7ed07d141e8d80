// Finds the pmbridge_links row of a directory anchor, for the planner. The bridge creates
// accounts in login order, the order it plans the entitled in, so links (read in user_id
// order) mostly follow that order too: the link after the last one found is tried first,
// and a hash index of every anchor is built only when that guess first fails.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bridge/pm_state.h"

namespace pmbridge {

class LinkFinder {
 public:
  // `links` must outlive this.
  explicit LinkFinder(const std::vector<AccountLink>& links) : links_(links) {}

  // The index in `links` of a link with `anchor`; nullopt when there is none. Anchors are
  // unique in pmbridge_links; were one repeated, either of its links may be returned.
  std::optional<std::size_t> Find(std::string_view anchor);

 private:
  const std::vector<AccountLink>& links_;
  std::size_t next_ = 0;  // the guess: the link after the last one found
  std::unordered_map<std::string_view, std::size_t> by_anchor_;  // once a guess fails
  bool indexed_ = false;
};

}  // namespace pmbridge
