#include "bridge/disable_guard.h"

namespace pmbridge {

std::size_t DisableGuard::InWindow(TimePoint now) {
  while (!applied_.empty() && applied_.front() <= now - window_) applied_.pop_front();
  return applied_.size();
}

bool DisableGuard::Admit(std::size_t count, int limit, TimePoint now) {
  if (count == 0) return true;
  const std::size_t allowed = limit < 1 ? 1 : static_cast<std::size_t>(limit);
  if (InWindow(now) + count > allowed) return false;
  applied_.insert(applied_.end(), count, now);
  return true;
}

}  // namespace pmbridge
