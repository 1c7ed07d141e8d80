// The accounts of a CurrentState by user_id, for the planner and the safety checks: a
// sorted list of (user_id, account) searched by bisection. A whole-state read hands the
// accounts over in user_id order already, and 100,000 of them then cost one flat list,
// not a hash node each.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "bridge/pm_state.h"

namespace pmbridge {

class AccountsById {
 public:
  // `accounts` must outlive this.
  explicit AccountsById(const std::vector<PmAccount>& accounts);

  // nullptr when there is no account `user_id` (the first one, should user_ids repeat).
  const PmAccount* Find(std::int64_t user_id) const;

 private:
  std::vector<std::pair<std::int64_t, const PmAccount*>> ids_;
};

}  // namespace pmbridge
