// A raw HTTP/1.1 client for the admin listener's tests: exact bytes out, the whole reply
// in, so tests can send malformed requests and see exactly what comes back.
#pragma once

#include <map>
#include <string>

namespace pmbridge::testing {

// A connected TCP socket to 127.0.0.1, closed on destruction.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(int port);
  ~LoopbackSocket();
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false on error.
  bool Send(const std::string& bytes);
  // Reads until the server closes the connection. Gives up (returning what it has, with
  // `*closed` false) only after a generous safety limit, so a hung server fails the test
  // instead of hanging it.
  std::string ReadToEnd(bool* closed = nullptr);

 private:
  int fd_ = -1;
};

struct HttpReply {
  int status = 0;                              // 0 when no status line came back
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string raw;

  // The value of header `lower_case_name`, or "" without it.
  std::string Header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? "" : it->second;
  }
};

// Splits a raw response into status, headers and body.
HttpReply ParseReply(const std::string& raw);

// Connects, sends `request` verbatim, reads the reply until the server closes.
HttpReply Exchange(int port, const std::string& request);

// "GET <path> HTTP/1.1" with a Host header.
HttpReply Get(int port, const std::string& path);

}  // namespace pmbridge::testing
