#include "connectors/admin/admin_server.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <exception>
#include <initializer_list>
#include <set>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "bridge/log.h"
#include "connectors/admin/http_request.h"

namespace pmbridge {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct ListenAddress {
  asio::ip::address address;
  std::uint16_t port = 0;
};

Result<ListenAddress> ParseListenAddress(const std::string& listen) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidInput("admin listen address \"" + listen + "\": " + why);
  };
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("expected host:port, e.g. 127.0.0.1:9464");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  ListenAddress out;
  out.port = static_cast<std::uint16_t>(std::stoul(port));
  error_code ec;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    out.address = asio::ip::make_address_v6(host.substr(1, host.size() - 2), ec);
    if (ec) return bad("not an IPv6 address");
  } else if (host == "localhost") {
    // Not resolved: "localhost" may map to ::1 first or to nothing inside a sandbox.
    out.address = asio::ip::address_v4::loopback();
  } else if (host.find(':') != std::string::npos) {
    return bad("put an IPv6 address in brackets, e.g. [::1]:9464");
  } else {
    out.address = asio::ip::make_address_v4(host, ec);
    if (ec) return bad("the host must be an IP address or localhost");
  }
  return out;
}

bool IsLoopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

Result<ListenAddress> CheckedListenAddress(const std::string& listen, bool allow_non_loopback) {
  Result<ListenAddress> parsed = ParseListenAddress(listen);
  if (!parsed.ok()) return parsed.status();
  if (!allow_non_loopback && !IsLoopback(parsed->address)) {
    return Status::InvalidInput("admin listen address \"" + listen +
                                "\" is not loopback: the admin endpoints have no "
                                "authentication; use 127.0.0.1 or allow non-loopback "
                                "listening explicitly");
  }
  return parsed;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
  }
  return "Unknown";
}

// RFC 9110 5.6.7 IMF-fixdate; the day and month names must be English whatever the locale.
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;       // for 405
  bool head_only = false;  // answering HEAD: the headers of the response, not its body

  std::string Serialize() const {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
    out += "Date: " + HttpDate() + "\r\n";
    out += "Content-Type: " + content_type + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!allow.empty()) out += "Allow: " + allow + "\r\n";
    out += "Cache-Control: no-store\r\n";
    out += "Connection: close\r\n\r\n";
    if (!head_only) out += body;
    return out;
  }
};

Response TextResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Bytes that can never be part of a valid head, so the answer is 400 at once instead of
// after the timeout: a control byte other than CR, LF and TAB (a TLS handshake, a binary
// probe), or a LF without its CR (a client that will never send the CRLF CRLF we wait
// for). `from` is where the bytes not yet checked start.
bool HasForbiddenByte(std::string_view buffer, std::size_t from) {
  for (std::size_t i = from; i < buffer.size(); ++i) {
    const auto c = static_cast<unsigned char>(buffer[i]);
    if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == '\n' && (i == 0 || buffer[i - 1] != '\r')) return true;
  }
  return false;
}

}  // namespace

Status CheckAdminListenAddress(const std::string& listen, bool allow_non_loopback) {
  return CheckedListenAddress(listen, allow_non_loopback).status();
}

class AdminServer::Impl {
 public:
  Impl(std::string listen, AdminHandlers handlers, AdminServerOptions options)
      : listen_(std::move(listen)), handlers_(std::move(handlers)), options_(options) {
    if (options_.max_connections == 0) options_.max_connections = 1;
  }
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  std::uint16_t port() const { return port_.load(); }

 private:
  class Connection;

  void Run();
  void Accept();
  void Forget(const std::shared_ptr<Connection>& connection);
  Response Route(const HttpRequest& request);
  void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
    if (options_.logger != nullptr) options_.logger->Log(level, event, fields);
  }

  const std::string listen_;
  const AdminHandlers handlers_;
  AdminServerOptions options_;
  std::atomic<std::uint16_t> port_{0};

  // Declared before everything that holds sockets or timers on it: destroyed last.
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  asio::steady_timer accept_retry_{io_};
  std::thread thread_;

  // The listener's thread only.
  std::set<std::shared_ptr<Connection>> connections_;
  bool accept_paused_ = false;
  bool stopping_ = false;
};

// One request and its response. The deadline timer bounds the whole exchange: on expiry
// the socket is closed, which aborts whatever read or write is pending.
class AdminServer::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Impl& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), deadline_(server.io_) {}

  void Start() {
    ArmDeadline();
    Read();
  }

  // Idempotent; also the path for every error and for Stop().
  void Finish() {
    if (finished_) return;
    finished_ = true;
    error_code ignored;
    socket_.close(ignored);
    deadline_.cancel();
    server_.Forget(shared_from_this());
  }

 private:
  void ArmDeadline() {
    deadline_.expires_after(server_.options_.io_timeout);
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->Finish();  // a re-arm or Finish() cancels with operation_aborted
    });
  }

  void Read() {
    socket_.async_read_some(
        asio::buffer(chunk_),
        [self = shared_from_this()](error_code ec, std::size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, std::size_t n) {
    if (finished_) return;
    if (ec) {  // end of stream or reset before a whole head: nobody to answer
      Finish();
      return;
    }
    const std::size_t checked = buffer_.size();
    buffer_.append(chunk_.data(), n);
    const std::size_t head_length = HttpHeadLength(buffer_);
    if (head_length == 0) {
      if (HasForbiddenByte(buffer_, checked)) {
        Reject(400, "control byte or bare LF in the request head");
      } else if (buffer_.size() >= kMaxHttpHeadBytes) {
        Reject(431, "request head over 8 KiB");
      } else {
        Read();
      }
      return;
    }
    const ParsedHttpRequest parsed =
        ParseHttpRequestHead(std::string_view(buffer_).substr(0, head_length));
    if (!parsed.ok()) {
      Reject(parsed.error_status, parsed.error);
      return;
    }
    // The body (of a POST, say) is not needed: it is drained after the response.
    Response response = server_.Route(parsed.request);
    response.head_only = parsed.request.method == "HEAD";
    Respond(response);
  }

  void Reject(int status, const std::string& why) {
    server_.Log(LogLevel::kDebug, "admin.bad_request", {{"status", status}, {"reason", why}});
    Respond(TextResponse(status, std::string(ReasonPhrase(status)) + "\n"));
  }

  void Respond(const Response& response) {
    response_ = response.Serialize();
    ArmDeadline();
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        if (self->finished_) return;
                        if (ec) {
                          self->Finish();
                          return;
                        }
                        error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->Drain();
                      });
  }

  // Read and discard until the client closes. Closing with unread request bytes (a body
  // we skipped, a pipelined request) would send a TCP reset, and a reset can destroy the
  // response before the client reads it.
  void Drain() {
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](error_code ec, std::size_t n) {
                              if (self->finished_) return;
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxHttpBodyBytes + kMaxHttpHeadBytes) {
                                self->Finish();
                              } else {
                                self->Drain();
                              }
                            });
  }

  Impl& server_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::array<char, 4096> chunk_{};
  std::string buffer_;
  std::string response_;
  std::uint64_t drained_ = 0;
  bool finished_ = false;
};

Status AdminServer::Impl::Start() {
  if (thread_.joinable() || stopping_) return Status::Internal("admin server started twice");
  Result<ListenAddress> address = CheckedListenAddress(listen_, options_.allow_non_loopback);
  if (!address.ok()) return address.status();
  const tcp::endpoint endpoint(address->address, address->port);
  const auto failed = [&](const char* step, const error_code& ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return Status::InvalidInput(std::string("cannot ") + step + " on admin listen address \"" +
                                listen_ + "\": " + ec.message());
  };
  error_code ec;
  if (acceptor_.open(endpoint.protocol(), ec); ec) return failed("open a socket", ec);
  // A restarted daemon must not wait out TIME_WAIT connections of its predecessor.
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return failed("set SO_REUSEADDR", ec);
  }
  if (acceptor_.bind(endpoint, ec); ec) return failed("listen", ec);
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return failed("listen", ec);
  }
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  if (ec) return failed("read the bound port", ec);
  port_ = bound.port();
  Accept();
  try {
    thread_ = std::thread([this] { Run(); });
  } catch (const std::system_error& e) {
    error_code ignored;
    acceptor_.close(ignored);
    port_ = 0;
    return Status::Internal(std::string("cannot start the admin listener thread: ") + e.what());
  }
  Log(LogLevel::kInfo, "admin.listening", {{"listen", listen_}, {"port", port_.load()}});
  return Status::Ok();
}

void AdminServer::Impl::Run() {
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      // Only memory exhaustion gets here (handlers catch their own errors); keep serving.
      Log(LogLevel::kError, "admin.internal_error", {{"error", e.what()}});
    }
  }
}

void AdminServer::Impl::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopping_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    // Finish() erases from connections_: walk a copy.
    const auto open = connections_;
    for (const auto& connection : open) connection->Finish();
  });
  // Nothing is left to do once the acceptor and every connection are closed: run() returns.
  thread_.join();
  port_ = 0;
}

void AdminServer::Impl::Accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (stopping_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, say: accepting again at once would spin.
      Log(LogLevel::kWarning, "admin.accept_failed", {{"error", ec.message()}});
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](error_code wait_ec) {
        if (!wait_ec && !stopping_) Accept();
      });
      return;
    }
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    connections_.insert(connection);
    connection->Start();
    if (connections_.size() < options_.max_connections) {
      Accept();
    } else {
      accept_paused_ = true;  // Forget() resumes; meanwhile the kernel queues newcomers
    }
  });
}

void AdminServer::Impl::Forget(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection);
  if (accept_paused_ && !stopping_) {
    accept_paused_ = false;
    Accept();
  }
}

Response AdminServer::Impl::Route(const HttpRequest& request) {
  const auto method_not_allowed = [](const char* allow) {
    Response r = TextResponse(405, "Method Not Allowed\n");
    r.allow = allow;
    return r;
  };
  try {
    if (request.path == "/healthz") {
      if (request.method != "GET") return method_not_allowed("GET");
      const HealthReport health = handlers_.health ? handlers_.health() : HealthReport{};
      if (health.ok) {
        return TextResponse(200, health.detail.empty() ? "ok\n" : "ok: " + health.detail + "\n");
      }
      return TextResponse(503, (health.detail.empty() ? "unhealthy" : health.detail) + "\n");
    }
    if (request.path == "/metrics") {
      if (request.method != "GET") return method_not_allowed("GET");
      Response r = TextResponse(200, handlers_.metrics ? handlers_.metrics() : "");
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return r;
    }
    if (request.path == "/reconcile") {
      if (request.method != "POST") return method_not_allowed("POST");
      const bool queued = handlers_.request_reconcile && handlers_.request_reconcile();
      Response r =
          TextResponse(queued ? 202 : 503, queued ? "{\"queued\":true}\n" : "{\"queued\":false}\n");
      r.content_type = "application/json";
      return r;
    }
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "admin.handler_failed", {{"path", request.path}, {"error", e.what()}});
    return TextResponse(500, "Internal Server Error\n");
  } catch (...) {
    Log(LogLevel::kError, "admin.handler_failed",
        {{"path", request.path}, {"error", "unknown exception"}});
    return TextResponse(500, "Internal Server Error\n");
  }
  return TextResponse(404, "Not Found\n");
}

AdminServer::AdminServer(std::string listen, AdminHandlers handlers, AdminServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(listen), std::move(handlers), options)) {}

AdminServer::~AdminServer() = default;

Status AdminServer::Start() { return impl_->Start(); }

void AdminServer::Stop() { impl_->Stop(); }

std::uint16_t AdminServer::port() const { return impl_->port(); }

}  // namespace pmbridge
