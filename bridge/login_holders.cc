#include "bridge/login_holders.h"

#include <algorithm>

#include "bridge/resolver.h"

namespace pmbridge {
namespace {

bool LoginLess(const std::pair<std::string, const PmAccount*>& a,
               const std::pair<std::string, const PmAccount*>& b) {
  return a.first < b.first;
}

}  // namespace

LoginHolders::LoginHolders(const std::vector<PmAccount>& accounts) {
  by_login_.reserve(accounts.size());
  for (const PmAccount& a : accounts) by_login_.emplace_back(FoldLogin(a.fields.login), &a);
  // Accounts the bridge created come in login order already.
  if (!std::is_sorted(by_login_.begin(), by_login_.end(), LoginLess)) {
    std::stable_sort(by_login_.begin(), by_login_.end(), LoginLess);
  }
}

const PmAccount* LoginHolders::FirstHolder(std::string_view folded) {
  const std::size_t size = by_login_.size();
  std::size_t low = 0, high = size;
  if (cursor_ == 0 || by_login_[cursor_ - 1].first < folded) {
    // Everything before the cursor is less: gallop forward from it to bound the search.
    low = cursor_;
    std::size_t step = 1;
    while (low + step < size && by_login_[low + step - 1].first < folded) {
      low += step;
      step *= 2;
    }
    high = std::min(size, low + step);
  }
  auto it = std::lower_bound(by_login_.begin() + static_cast<std::ptrdiff_t>(low),
                             by_login_.begin() + static_cast<std::ptrdiff_t>(high), folded,
                             [](const std::pair<std::string, const PmAccount*>& entry,
                                std::string_view login) { return entry.first < login; });
  cursor_ = static_cast<std::size_t>(it - by_login_.begin());
  return it != by_login_.end() && it->first == folded ? it->second : nullptr;
}

}  // namespace pmbridge
