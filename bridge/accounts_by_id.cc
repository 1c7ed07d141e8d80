#include "bridge/accounts_by_id.h"

#include <algorithm>

#include "bridge/galloping_search.h"

namespace pmbridge {

AccountsById::AccountsById(const std::vector<PmAccount>& accounts) {
  ids_.reserve(accounts.size());
  for (const PmAccount& a : accounts) ids_.emplace_back(a.user_id, &a);
  // Pairs of one user_id sort by address: the first account of the list comes first.
  if (!std::is_sorted(ids_.begin(), ids_.end())) std::sort(ids_.begin(), ids_.end());
}

namespace {

bool IdLess(const std::pair<std::int64_t, const PmAccount*>& entry, std::int64_t id) {
  return entry.first < id;
}

}  // namespace

const PmAccount* AccountsById::Find(std::int64_t user_id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), user_id, IdLess);
  return it != ids_.end() && it->first == user_id ? it->second : nullptr;
}

const PmAccount* AccountsById::FindFrom(std::int64_t user_id, std::size_t& cursor) const {
  auto it = GallopingLowerBound(ids_.begin(), ids_.end(), cursor, user_id, IdLess);
  return it != ids_.end() && it->first == user_id ? it->second : nullptr;
}

}  // namespace pmbridge
