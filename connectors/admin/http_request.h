// A small, strict HTTP/1.1 request-head parser for the admin listener. It accepts what
// curl, Prometheus and monitoring probes send and rejects anything ambiguous (bare LF,
// obsolete line folding, conflicting Content-Length, Transfer-Encoding) instead of
// guessing, since guessing is where request smuggling lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmbridge {

// The request line and header fields, with the body left unread.
inline constexpr std::size_t kMaxHttpHeadBytes = 8 * 1024;
// Larger bodies are refused with 413; smaller ones are read and ignored.
inline constexpr std::uint64_t kMaxHttpBodyBytes = 64 * 1024;

struct HttpRequest {
  std::string method;     // case-sensitive, as sent: "GET"
  std::string target;     // as sent: "/metrics?x=1"
  std::string path;       // the target without its query: "/metrics"
  int minor_version = 1;  // HTTP/1.<minor_version>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values trimmed
  std::uint64_t content_length = 0;                          // 0 without a Content-Length header

  // The value of the first header called `lower_case_name`, or nullptr.
  const std::string* Header(std::string_view lower_case_name) const;
};

// A parsed request, or the HTTP status to reject it with.
struct ParsedHttpRequest {
  HttpRequest request;   // meaningful when ok()
  int error_status = 0;  // 400, 411, 413, 431 or 505
  std::string error;     // why, for the log

  bool ok() const { return error_status == 0; }
};

// The length of the request head at the start of `buffer`, through the empty line that
// ends it ("\r\n\r\n"), or 0 while the head is incomplete.
std::size_t HttpHeadLength(std::string_view buffer);

// Parses a complete request head (as measured by HttpHeadLength). Requires CRLF line ends,
// an origin-form target ("/path?query"), HTTP/1.x, a single Host header for HTTP/1.1, and
// at most one distinct Content-Length no larger than kMaxHttpBodyBytes.
ParsedHttpRequest ParseHttpRequestHead(std::string_view head);

}  // namespace pmbridge
