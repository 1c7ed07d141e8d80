// Which PM account holds each login, compared folded (FoldLogin), for the planner's "is this
// login taken by someone else" question: the (folded login, account) pairs in order. A
// hash map of 100,000 logins cost a node and several cache misses per account; the
// planner asks in folded-login order (the entitled are sorted so), so here a cursor walks
// forward and most answers are a step or two away.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bridge/pm_state.h"

namespace pmbridge {

class LoginHolders {
 public:
  // `accounts` must outlive this.
  explicit LoginHolders(const std::vector<PmAccount>& accounts);

  // The first account (in the order given) whose login folds to `folded`; nullptr when
  // none does. Fastest when asked in ascending order; correct in any.
  const PmAccount* FirstHolder(std::string_view folded);

 private:
  std::vector<std::pair<std::string, const PmAccount*>> by_login_;  // stably sorted
  // Every pair before it has a login less than the last one asked for.
  std::size_t cursor_ = 0;
};

}  // namespace pmbridge
