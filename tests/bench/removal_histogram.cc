#include "tests/bench/removal_histogram.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace pmbridge::bench {
namespace {

constexpr const char* kName = "pmbridge_removal_to_disable_seconds";

// One HTTP/1.0-style exchange: the request, then everything until the server closes.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval limit{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to the admin listener on 127.0.0.1:" +
                             std::to_string(port));
  }
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buffer[8192];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return reply;
}

}  // namespace

std::string RemovalHistogram::BoundOfPercentile(double p) const {
  if (count <= 0) return "";
  for (const auto& [le, cumulative] : buckets) {
    if (cumulative >= p / 100.0 * count) return le;
  }
  return "+Inf";
}

RemovalHistogram RemovalHistogram::Since(const RemovalHistogram& earlier) const {
  RemovalHistogram delta = *this;
  delta.count -= earlier.count;
  delta.sum_seconds -= earlier.sum_seconds;
  for (std::size_t i = 0; i < delta.buckets.size() && i < earlier.buckets.size(); ++i) {
    delta.buckets[i].second -= earlier.buckets[i].second;
  }
  return delta;
}

RemovalHistogram ScrapeRemovalHistogram(int port) {
  const std::string reply = HttpGet(port, "/metrics");
  if (reply.rfind("HTTP/1.1 200", 0) != 0 && reply.rfind("HTTP/1.0 200", 0) != 0) {
    throw std::runtime_error("GET /metrics did not answer 200: " + reply.substr(0, 200));
  }
  RemovalHistogram h;
  bool found = false;
  std::istringstream lines(reply.substr(reply.find("\r\n\r\n") + 4));
  const std::string bucket = std::string(kName) + "_bucket{le=\"";
  for (std::string line; std::getline(lines, line);) {
    const std::size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string key = line.substr(0, space);
    const double value = std::strtod(line.c_str() + space + 1, nullptr);
    if (key == std::string(kName) + "_count") {
      h.count = value;
      found = true;
    } else if (key == std::string(kName) + "_sum") {
      h.sum_seconds = value;
    } else if (key.rfind(bucket, 0) == 0) {
      h.buckets.emplace_back(key.substr(bucket.size(), key.size() - bucket.size() - 2), value);
    }
  }
  if (!found) throw std::runtime_error(std::string("GET /metrics has no ") + kName + "_count");
  return h;
}

}  // namespace pmbridge::bench
