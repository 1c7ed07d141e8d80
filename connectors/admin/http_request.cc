#include "connectors/admin/http_request.h"

#include <algorithm>

namespace pmbridge {
namespace {

// RFC 9110 5.6.2: tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// RFC 9110 5.5: field-vchar, SP and HTAB; obs-text (0x80-0xff) is allowed, controls are not.
bool IsFieldValueChar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

bool IsTargetChar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c > 0x20 && c < 0x7f;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ParsedHttpRequest Reject(int status, std::string why) {
  ParsedHttpRequest parsed;
  parsed.error_status = status;
  parsed.error = std::move(why);
  return parsed;
}

// "HTTP/1.1" -> major 1, minor 1; false when it is not HTTP-version syntax.
bool ParseVersion(std::string_view v, int& major, int& minor) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return false;
  if (v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9') return false;
  major = v[5] - '0';
  minor = v[7] - '0';
  return true;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return &value;
  }
  return nullptr;
}

std::size_t HttpHeadLength(std::string_view buffer) {
  const std::size_t end = buffer.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

ParsedHttpRequest ParseHttpRequestHead(std::string_view head) {
  if (head.size() > kMaxHttpHeadBytes) return Reject(431, "request head over 8 KiB");
  if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n") {
    return Reject(400, "request head does not end with an empty line");
  }
  head.remove_suffix(2);  // keep one CRLF so every line below ends in CRLF

  std::vector<std::string_view> lines;
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    // A bare CR or LF would be a line end to some parsers and not to others.
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return Reject(400, "bare CR or LF in the request head");
    }
    lines.push_back(line);
    head.remove_prefix(eol + 2);
  }

  ParsedHttpRequest parsed;
  HttpRequest& req = parsed.request;

  // request-line = method SP request-target SP HTTP-version
  const std::string_view request_line = lines.front();
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Reject(400, "malformed request line");
  }
  const std::string_view method = request_line.substr(0, sp1);
  const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = request_line.substr(sp2 + 1);
  if (!IsToken(method)) return Reject(400, "malformed method");
  if (target.empty() || target.front() != '/' ||
      !std::all_of(target.begin(), target.end(), IsTargetChar)) {
    return Reject(400, "request target is not an origin-form path");
  }
  int major = 0;
  if (!ParseVersion(version, major, req.minor_version)) return Reject(400, "malformed version");
  if (major != 1) return Reject(505, "only HTTP/1.x is served");
  req.method = std::string(method);
  req.target = std::string(target);
  req.path = std::string(target.substr(0, target.find('?')));

  int hosts = 0;
  bool have_length = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty()) return Reject(400, "empty header line");
    if (line.front() == ' ' || line.front() == '\t') {
      return Reject(400, "obsolete header line folding");
    }
    const std::size_t colon = line.find(':');
    // No whitespace is allowed between the name and the colon (RFC 9112 5.1).
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Reject(400, "malformed header field");
    }
    const std::string_view value = TrimOws(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), IsFieldValueChar)) {
      return Reject(400, "control character in a header value");
    }
    std::string name = Lower(line.substr(0, colon));
    if (name == "host") ++hosts;
    if (name == "transfer-encoding") {
      return Reject(411, "Transfer-Encoding is not supported; send Content-Length");
    }
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Reject(400, "malformed Content-Length");
      }
      const std::uint64_t length = std::stoull(std::string(value));
      if (have_length && length != req.content_length) {
        return Reject(400, "conflicting Content-Length headers");
      }
      have_length = true;
      req.content_length = length;
    }
    req.headers.emplace_back(std::move(name), std::string(value));
  }
  if (hosts > 1 || (hosts == 0 && req.minor_version >= 1)) {
    return Reject(400, "an HTTP/1.1 request needs exactly one Host header");
  }
  if (req.content_length > kMaxHttpBodyBytes) return Reject(413, "request body over 64 KiB");
  return parsed;
}

}  // namespace pmbridge
