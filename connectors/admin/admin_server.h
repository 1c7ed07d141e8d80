// AdminServer: the daemon's admin HTTP listener (Boost.Asio, on its own thread).
//
//   GET  /healthz    200 "ok\n", or 503 with the health detail
//   GET  /metrics    200, Prometheus text format 0.0.4
//   POST /reconcile  202 {"queued":true}, or 503 {"queued":false} when not accepted
//
// Other methods on these paths get 405 with Allow, other paths 404, malformed requests
// 400 (see http_request.h). Every response closes the connection: a scrape or a probe is
// one request, and no keep-alive state means nothing for a client to hold open.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bridge/status.h"

namespace pmbridge {

class Logger;

struct HealthReport {
  bool ok = true;
  std::string detail;  // the state, or why not healthy: the body after "ok: " or of the 503
};

// Called on the listener's thread, one request at a time: keep them quick (read a flag,
// render metrics, queue a reconcile) and thread-safe towards the daemon loop. An exception
// from a handler is answered with 500.
struct AdminHandlers {
  std::function<HealthReport()> health;     // unset: always healthy
  std::function<std::string()> metrics;     // unset: an empty body
  std::function<bool()> request_reconcile;  // whether a reconcile was queued; unset: 503
};

struct AdminServerOptions {
  // The admin endpoints are unauthenticated: listening beyond loopback must be a decision.
  bool allow_non_loopback = false;
  // A client must send its request within this time (and take its response within it),
  // so a slow or idle client cannot pin a connection.
  std::chrono::milliseconds io_timeout{5000};
  // Connections served at once; further ones wait in the kernel's accept queue.
  std::size_t max_connections = 16;
  // Request errors at debug, handler failures at error; may be null.
  Logger* logger = nullptr;
};

// What Start() checks before binding, for `pmbridge check`: OK, or InvalidInput saying
// what is wrong with `listen`.
Status CheckAdminListenAddress(const std::string& listen, bool allow_non_loopback);

class AdminServer {
 public:
  // `listen` is "host:port": an IPv4 literal, a bracketed IPv6 literal ("[::1]:9464") or
  // "localhost" (127.0.0.1). Port 0 picks a free port; see port().
  AdminServer(std::string listen, AdminHandlers handlers, AdminServerOptions options = {});
  // Stops the server.
  ~AdminServer();

  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and starts serving on a thread of its own. InvalidInput, naming the address, for
  // a malformed or (without allow_non_loopback) non-loopback address and when binding fails
  // (in use, not local). Call once.
  Status Start();

  // Closes the listener and every open connection and joins the thread. Idempotent; a
  // request being handled finishes first. Not from a handler (it would join itself).
  void Stop();

  // The bound port while serving (after a successful Start(), before Stop()), else 0.
  std::uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pmbridge
