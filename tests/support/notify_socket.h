// A bound AF_UNIX datagram socket standing in for systemd's notify socket, for tests of
// the sd_notify protocol.
#pragma once

#include <string>

namespace pmbridge::testing {

class NotifySocket {
 public:
  // `name` is a path, or an abstract name starting with '@'.
  explicit NotifySocket(const std::string& name);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }

  // The next datagram; "" if none arrives within a safety limit of 10 s (not a timing
  // threshold: callers wait for something already sent or about to be).
  std::string Receive();

 private:
  int fd_ = -1;
  bool bound_ = false;
};

}  // namespace pmbridge::testing
