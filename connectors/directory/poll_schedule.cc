#include "connectors/directory/poll_schedule.h"

#include <poll.h>

#include <algorithm>
#include <climits>

namespace pmbridge {

bool PollSchedule::Wait(std::chrono::milliseconds timeout, int wake_fd) const {
  const Steady::time_point now = Steady::now();
  if (Due(now)) return true;
  // Rounded up, so the wait does not end just before the poll is due and spin.
  const auto until_due = std::chrono::ceil<std::chrono::milliseconds>(next_ - now);
  const long long ms = std::clamp<long long>(std::min(timeout, until_due).count(), 0, INT_MAX);
  pollfd fd{wake_fd, POLLIN, 0};
  // With no descriptor, poll(2) is a plain sleep; EINTR returns early.
  ::poll(&fd, wake_fd >= 0 ? 1 : 0, static_cast<int>(ms));
  return Due(Steady::now());
}

}  // namespace pmbridge
