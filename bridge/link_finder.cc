#include "bridge/link_finder.h"

namespace pmbridge {

std::optional<std::size_t> LinkFinder::Find(std::string_view anchor) {
  std::optional<std::size_t> found;
  if (next_ < links_.size() && links_[next_].anchor == anchor) {
    found = next_;
  } else {
    if (!indexed_) {
      by_anchor_.reserve(links_.size());
      for (std::size_t i = 0; i < links_.size(); ++i) by_anchor_.emplace(links_[i].anchor, i);
      indexed_ = true;
    }
    auto it = by_anchor_.find(anchor);
    if (it != by_anchor_.end()) found = it->second;
  }
  if (found) next_ = *found + 1;
  return found;
}

}  // namespace pmbridge
