#include "bridge/login_holders.h"

#include <algorithm>

#include "bridge/galloping_search.h"
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
  auto it = GallopingLowerBound(by_login_.begin(), by_login_.end(), cursor_, folded,
                                [](const std::pair<std::string, const PmAccount*>& entry,
                                   std::string_view login) { return entry.first < login; });
  return it != by_login_.end() && it->first == folded ? it->second : nullptr;
}

}  // namespace pmbridge
