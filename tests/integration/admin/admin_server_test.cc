// The admin listener over real loopback TCP: routes, status codes, hostile clients, stop.
#include "connectors/admin/admin_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "bridge/metrics.h"
#include "tests/support/http_client.h"

namespace pmbridge {
namespace {

using testing::Exchange;
using testing::Get;
using testing::HttpReply;
using testing::LoopbackSocket;
using testing::ParseReply;

class AdminServerTest : public ::testing::Test {
 protected:
  // Starts a server on an ephemeral loopback port with handlers that read this fixture.
  void StartServer(AdminServerOptions options = {}) {
    AdminHandlers handlers;
    handlers.health = [this] {
      const bool ok = healthy_.load();
      return HealthReport{ok, ok ? ok_detail_ : "directory unreachable"};
    };
    handlers.metrics = [this] { return metrics_.RenderPrometheus(); };
    handlers.request_reconcile = [this] {
      ++reconcile_requests_;
      return accept_reconcile_.load();
    };
    server_ = std::make_unique<AdminServer>("127.0.0.1:0", handlers, options);
    const Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  // The server stops in TearDown even when an assertion failed half-way.
  void TearDown() override {
    if (server_) server_->Stop();
  }

  BridgeMetrics metrics_;
  std::atomic<bool> healthy_{true};
  std::string ok_detail_;  // set before StartServer
  std::atomic<bool> accept_reconcile_{true};
  std::atomic<int> reconcile_requests_{0};
  std::unique_ptr<AdminServer> server_;
  int port_ = 0;
};

TEST_F(AdminServerTest, HealthzSaysOk) {
  StartServer();
  const HttpReply reply = Get(port_, "/healthz");
  EXPECT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body, "ok\n");
  EXPECT_EQ(reply.Header("content-length"), "3");
  EXPECT_EQ(reply.Header("connection"), "close");
  EXPECT_EQ(reply.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_FALSE(reply.Header("date").empty());
}

TEST_F(AdminServerTest, HealthzOkCarriesTheState) {
  ok_detail_ = "following the directory; 5 disables held";
  StartServer();
  const HttpReply reply = Get(port_, "/healthz");
  EXPECT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body, "ok: following the directory; 5 disables held\n");
}

TEST_F(AdminServerTest, HealthzUnhealthyIs503WithTheDetail) {
  StartServer();
  healthy_ = false;
  const HttpReply reply = Get(port_, "/healthz");
  EXPECT_EQ(reply.status, 503) << reply.raw;
  EXPECT_EQ(reply.body, "directory unreachable\n");
}

TEST_F(AdminServerTest, MetricsServesThePrometheusText) {
  StartServer();
  metrics_.RecordChange(ChangeAction::kDisable);
  const HttpReply reply = Get(port_, "/metrics");
  EXPECT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(reply.body, metrics_.RenderPrometheus());
  EXPECT_NE(reply.body.find("pmbridge_changes_total{action=\"disable\"} 1\n"), std::string::npos);
  EXPECT_EQ(reply.Header("content-length"), std::to_string(reply.body.size()));
}

TEST_F(AdminServerTest, PostReconcileQueuesOne) {
  StartServer();
  const HttpReply reply =
      Exchange(port_, "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(reply.status, 202) << reply.raw;
  EXPECT_EQ(reply.body, "{\"queued\":true}\n");
  EXPECT_EQ(reply.Header("content-type"), "application/json");
  EXPECT_EQ(reconcile_requests_, 1);
}

TEST_F(AdminServerTest, PostReconcileIgnoresItsBody) {
  StartServer();
  const std::string body(10000, 'x');
  const HttpReply reply =
      Exchange(port_, "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(reply.status, 202) << reply.raw;
  EXPECT_EQ(reconcile_requests_, 1);
}

TEST_F(AdminServerTest, PostReconcileNotAcceptedIs503) {
  StartServer();
  accept_reconcile_ = false;
  const HttpReply reply = Exchange(port_, "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.status, 503) << reply.raw;
  EXPECT_EQ(reply.body, "{\"queued\":false}\n");
  EXPECT_EQ(reconcile_requests_, 1);
}

TEST_F(AdminServerTest, WrongMethodsAre405WithAllow) {
  StartServer();
  HttpReply reply = Get(port_, "/reconcile");
  EXPECT_EQ(reply.status, 405) << reply.raw;
  EXPECT_EQ(reply.Header("allow"), "POST");
  EXPECT_EQ(reconcile_requests_, 0);

  reply = Exchange(port_, "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.status, 405) << reply.raw;
  EXPECT_EQ(reply.Header("allow"), "GET");

  reply = Exchange(port_, "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.status, 405) << reply.raw;
  EXPECT_EQ(reply.Header("allow"), "GET");
  EXPECT_EQ(reply.body, "");  // a response to HEAD has no body

  reply = Exchange(port_, "DELETE /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.status, 405) << reply.raw;
}

TEST_F(AdminServerTest, UnknownPathIs404) {
  StartServer();
  EXPECT_EQ(Get(port_, "/nope").status, 404);
  EXPECT_EQ(Get(port_, "/healthz/").status, 404);
  EXPECT_EQ(Get(port_, "/").status, 404);
}

TEST_F(AdminServerTest, QueryStringIsIgnored) {
  StartServer();
  EXPECT_EQ(Get(port_, "/healthz?verbose=1").status, 200);
}

TEST_F(AdminServerTest, Http10IsServed) {
  StartServer();
  const HttpReply reply = Exchange(port_, "GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(reply.status, 200) << reply.raw;
}

TEST_F(AdminServerTest, GarbageIs400) {
  StartServer();
  EXPECT_EQ(Exchange(port_, "garbage\r\n\r\n").status, 400);
  EXPECT_EQ(Exchange(port_, "GET /healthz HTTP/1.1\r\n\r\n").status, 400);  // no Host
  EXPECT_EQ(Exchange(port_, "GET /healthz HTTP/1.1\nHost: x\n\n").status, 400);
}

TEST_F(AdminServerTest, BinaryProbeIsAnsweredWithoutWaiting) {
  StartServer();
  // The start of a TLS ClientHello: never an empty line, but a byte no HTTP head contains.
  const HttpReply reply = Exchange(port_, std::string("\x16\x03\x01\x02\x00\x01\x00", 7));
  EXPECT_EQ(reply.status, 400) << reply.raw;
}

TEST_F(AdminServerTest, OversizeHeadersAreRejected) {
  StartServer();
  const HttpReply reply = Exchange(port_, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                                              std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(reply.status, 431) << reply.raw.substr(0, 200);
}

TEST_F(AdminServerTest, ChunkedBodyIsRefused) {
  StartServer();
  const HttpReply reply = Exchange(port_,
                                   "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(reply.status, 411) << reply.raw;
  EXPECT_EQ(reconcile_requests_, 0);
}

TEST_F(AdminServerTest, OversizeBodyIsRefused) {
  StartServer();
  const HttpReply reply = Exchange(
      port_, "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(reply.status, 413) << reply.raw;
  EXPECT_EQ(reconcile_requests_, 0);
}

TEST_F(AdminServerTest, HandlerExceptionIs500) {
  AdminHandlers handlers;
  handlers.metrics = []() -> std::string { throw std::runtime_error("render failed"); };
  AdminServer server("127.0.0.1:0", handlers);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(Get(server.port(), "/metrics").status, 500);
  EXPECT_EQ(Get(server.port(), "/healthz").status, 200);  // still serving
}

TEST_F(AdminServerTest, UnsetHandlersHaveSafeDefaults) {
  AdminServer server("127.0.0.1:0", AdminHandlers{});
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(Get(server.port(), "/healthz").status, 200);
  EXPECT_EQ(Get(server.port(), "/metrics").status, 200);
  EXPECT_EQ(Exchange(server.port(), "POST /reconcile HTTP/1.1\r\nHost: x\r\n\r\n").status, 503);
}

TEST_F(AdminServerTest, IdleClientDoesNotBlockOthers) {
  StartServer();
  LoopbackSocket idle(port_);
  ASSERT_TRUE(idle.connected());
  LoopbackSocket half(port_);
  ASSERT_TRUE(half.connected());
  ASSERT_TRUE(half.Send("GET /healthz HTTP/1.1\r\nHost: 12"));  // and then nothing
  const HttpReply reply = Get(port_, "/healthz");
  EXPECT_EQ(reply.status, 200) << reply.raw;
}

TEST_F(AdminServerTest, IdleClientIsDisconnectedAfterTheTimeout) {
  AdminServerOptions options;
  options.io_timeout = std::chrono::milliseconds(100);
  StartServer(options);
  LoopbackSocket idle(port_);
  ASSERT_TRUE(idle.connected());
  bool closed = false;
  EXPECT_EQ(idle.ReadToEnd(&closed), "");
  EXPECT_TRUE(closed);
}

TEST_F(AdminServerTest, ClientsBeyondTheLimitWaitTheirTurn) {
  AdminServerOptions options;
  options.max_connections = 2;
  options.io_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  LoopbackSocket idle1(port_);
  LoopbackSocket idle2(port_);
  ASSERT_TRUE(idle1.connected() && idle2.connected());
  // Both slots are taken by clients that send nothing; this one is served once their
  // timeouts free a slot, instead of being refused.
  const HttpReply reply = Get(port_, "/healthz");
  EXPECT_EQ(reply.status, 200) << reply.raw;
}

TEST_F(AdminServerTest, StopReturnsWhileAConnectionIsIdle) {
  StartServer();
  LoopbackSocket idle(port_);
  ASSERT_TRUE(idle.connected());
  // Connections are accepted in order: once this one is answered, the idle one is open
  // on the server side too.
  ASSERT_EQ(Get(port_, "/healthz").status, 200);
  server_->Stop();
  EXPECT_EQ(server_->port(), 0);
  bool closed = false;
  EXPECT_EQ(idle.ReadToEnd(&closed), "");
  EXPECT_TRUE(closed);
  server_->Stop();  // idempotent
  LoopbackSocket after(port_);
  EXPECT_FALSE(after.connected());
}

TEST_F(AdminServerTest, ManySequentialRequests) {
  StartServer();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Get(port_, i % 2 ? "/healthz" : "/metrics").status, 200) << i;
  }
}

TEST(AdminServerStartTest, RefusesNonLoopbackAddress) {
  AdminServer server("0.0.0.0:0", AdminHandlers{});
  const Status status = server.Start();
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.message().find("not loopback"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("0.0.0.0:0"), std::string::npos) << status.message();
  EXPECT_EQ(server.port(), 0);
}

TEST(AdminServerStartTest, RejectsAMalformedAddress) {
  AdminServer server("127.0.0.1", AdminHandlers{});
  EXPECT_EQ(server.Start().code(), ErrorCode::kInvalidInput);
}

TEST(AdminServerStartTest, BindErrorNamesTheAddress) {
  AdminServer first("127.0.0.1:0", AdminHandlers{});
  ASSERT_TRUE(first.Start().ok());
  const std::string listen = "127.0.0.1:" + std::to_string(first.port());
  AdminServer second(listen, AdminHandlers{});
  const Status status = second.Start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(listen), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.message();
}

TEST(AdminServerStartTest, LocalhostMeansIpv4Loopback) {
  AdminServer server("localhost:0", AdminHandlers{});
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(Get(server.port(), "/healthz").status, 200);
}

TEST(AdminServerStartTest, DestructorStopsARunningServer) {
  int port = 0;
  {
    AdminServer server("127.0.0.1:0", AdminHandlers{});
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
  }
  LoopbackSocket after(port);
  EXPECT_FALSE(after.connected());
}

}  // namespace
}  // namespace pmbridge
