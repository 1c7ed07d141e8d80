#include "tests/support/notify_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace pmbridge::testing {

NotifySocket::NotifySocket(const std::string& name) {
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (name.empty() || name.size() >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, name.data(), name.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  if (name.front() == '@') {
    address.sun_path[0] = '\0';
  } else {
    ++length;
  }
  bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0;
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) close(fd_);
}

std::string NotifySocket::Receive() {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, 10000) != 1) return "";
  char buf[4096];
  const ssize_t n = recv(fd_, buf, sizeof buf, 0);
  return n < 0 ? "" : std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace pmbridge::testing
