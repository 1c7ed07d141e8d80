#include "connectors/systemd/notifier.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace pmbridge {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// A positive decimal number, or nullopt.
std::optional<unsigned long long> PositiveNumber(const std::string& text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const unsigned long long n = std::strtoull(text.c_str(), nullptr, 10);
  if (n == 0) return std::nullopt;
  return n;
}

std::optional<std::chrono::microseconds> WatchdogFromEnvironment() {
  const auto usec = PositiveNumber(Env("WATCHDOG_USEC"));
  if (!usec || *usec > static_cast<unsigned long long>(std::chrono::microseconds::max().count())) {
    return std::nullopt;
  }
  // systemd sets WATCHDOG_PID so that a child which inherited the environment does not
  // think the watchdog is meant for it.
  const std::string pid_text = Env("WATCHDOG_PID");
  if (!pid_text.empty()) {
    const auto pid = PositiveNumber(pid_text);
    if (!pid || *pid != static_cast<unsigned long long>(getpid())) return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(*usec));
}

// Closes the descriptor on every path out of Notify().
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

SystemdNotifier::SystemdNotifier()
    : socket_(Env("NOTIFY_SOCKET")), watchdog_(WatchdogFromEnvironment()) {}

Status SystemdNotifier::Ready() { return Notify("READY=1"); }

Status SystemdNotifier::SetStatus(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  return Notify(line);
}

Status SystemdNotifier::Watchdog() { return Notify("WATCHDOG=1"); }

Status SystemdNotifier::Stopping() { return Notify("STOPPING=1"); }

Status SystemdNotifier::Reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
  return Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

Status SystemdNotifier::Notify(std::string_view state) {
  if (socket_.empty()) return Status::Ok();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_.size() > sizeof(address.sun_path) - 1) {
    return Status::InvalidInput("NOTIFY_SOCKET is longer than a unix socket path can be");
  }
  std::memcpy(address.sun_path, socket_.data(), socket_.size());
  socklen_t length = 0;
  if (socket_.front() == '/') {
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size() + 1);
  } else if (socket_.front() == '@' && socket_.size() > 1) {
    // An abstract socket: the name starts with a NUL byte and is not NUL-terminated.
    address.sun_path[0] = '\0';
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
  } else {
    return Status::InvalidInput("NOTIFY_SOCKET \"" + socket_ +
                                "\" is neither an absolute path nor an abstract socket name");
  }

  const FileDescriptor fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return Status::Internal(std::string("cannot create a notify socket: ") + std::strerror(errno));
  }
  ssize_t sent = -1;
  do {
    sent = sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return Status::Internal("cannot notify systemd at " + socket_ + ": " + std::strerror(errno));
  }
  if (static_cast<std::size_t>(sent) != state.size()) {
    return Status::Internal("short write notifying systemd at " + socket_);
  }
  return Status::Ok();
}

}  // namespace pmbridge
