// ProviderScope: which providers' patients an account may see — every provider ("All
// Providers" in the PM screens) or a set of provider codes ("Selected Providers").
#pragma once

#include <string>
#include <vector>

namespace pmbridge {

class ProviderScope {
 public:
  static ProviderScope All();
  // `codes` in any order, duplicates allowed.
  static ProviderScope Selected(std::vector<std::string> codes);
  // `codes` already sorted and distinct (a resolve's union is made so).
  static ProviderScope SelectedSorted(std::vector<std::string> codes);

  // Union; `all` wins.
  void Merge(const ProviderScope& other);

  bool all() const { return all_; }
  // The selected codes, sorted and distinct; empty when all() (the codes are then
  // irrelevant). A flat vector: one allocation per person, not one per code.
  const std::vector<std::string>& codes() const { return codes_; }
  bool empty() const { return !all_ && codes_.empty(); }

  // "all" or "DRJONES,DRSMITH" (sorted) or "none".
  std::string ToString() const;
  bool operator==(const ProviderScope&) const = default;

 private:
  bool all_ = false;
  std::vector<std::string> codes_;
};

}  // namespace pmbridge
