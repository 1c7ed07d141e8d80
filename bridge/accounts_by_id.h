// The accounts of a CurrentState by user_id, for the planner and the safety checks: a
// sorted list of (user_id, account) searched by bisection. A whole-state read hands the
// accounts over in user_id order already, and 100,000 of them then cost one flat list,
// not a hash node each.
#pragma once

#include <cstddef>
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
  // The same, for ids asked mostly in ascending order (links and accounts are both read in
  // user_id order): `cursor`, 0 for the first question, keeps the place between them.
  const PmAccount* FindFrom(std::int64_t user_id, std::size_t& cursor) const;

 private:
  std::vector<std::pair<std::int64_t, const PmAccount*>> ids_;
};

}  // namespace pmbridge
