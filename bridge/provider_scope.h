// ProviderScope: which providers' patients an account may see — every provider ("All
// Providers" in the PM screens) or a set of provider codes ("Selected Providers").
#pragma once

#include <set>
#include <string>

namespace pmbridge {

class ProviderScope {
 public:
  static ProviderScope All();
  static ProviderScope Selected(std::set<std::string> codes);

  // Union; `all` wins.
  void Merge(const ProviderScope& other);

  bool all() const { return all_; }
  // The selected codes; empty when all() (the codes are then irrelevant).
  const std::set<std::string>& codes() const { return codes_; }
  bool empty() const { return !all_ && codes_.empty(); }

  // "all" or "DRJONES,DRSMITH" (sorted) or "none".
  std::string ToString() const;
  bool operator==(const ProviderScope&) const = default;

 private:
  bool all_ = false;
  std::set<std::string> codes_;
};

}  // namespace pmbridge
