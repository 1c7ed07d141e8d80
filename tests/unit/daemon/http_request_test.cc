#include "connectors/admin/http_request.h"

#include <gtest/gtest.h>

#include <string>

#include "connectors/admin/admin_server.h"

namespace pmbridge {
namespace {

ParsedHttpRequest Parse(const std::string& head) { return ParseHttpRequestHead(head); }

TEST(HttpRequestTest, ParsesAPrometheusScrape) {
  const ParsedHttpRequest parsed = Parse(
      "GET /metrics?name[]=x HTTP/1.1\r\n"
      "Host: 127.0.0.1:9464\r\n"
      "User-Agent:  Prometheus/2.45.0 \r\n"
      "Accept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\n"
      "\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  const HttpRequest& req = parsed.request;
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/metrics?name[]=x");
  EXPECT_EQ(req.path, "/metrics");
  EXPECT_EQ(req.minor_version, 1);
  ASSERT_EQ(req.headers.size(), 3u);
  EXPECT_EQ(req.headers[1].first, "user-agent");
  EXPECT_EQ(req.headers[1].second, "Prometheus/2.45.0");
  ASSERT_NE(req.Header("host"), nullptr);
  EXPECT_EQ(*req.Header("host"), "127.0.0.1:9464");
  EXPECT_EQ(req.Header("cookie"), nullptr);
  EXPECT_EQ(req.content_length, 0u);
}

TEST(HttpRequestTest, ReadsContentLength) {
  const ParsedHttpRequest parsed =
      Parse("POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.request.content_length, 12u);
  // Repeating the same length is harmless.
  EXPECT_TRUE(
      Parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n").ok());
}

TEST(HttpRequestTest, Http10NeedsNoHost) {
  const ParsedHttpRequest parsed = Parse("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.request.minor_version, 0);
}

struct Rejection {
  const char* name;
  std::string head;
  int status;
};

class HttpRequestRejectionTest : public ::testing::TestWithParam<Rejection> {};

TEST_P(HttpRequestRejectionTest, AnswersWithTheRightStatus) {
  const ParsedHttpRequest parsed = Parse(GetParam().head);
  EXPECT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error_status, GetParam().status) << parsed.error;
  EXPECT_FALSE(parsed.error.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Heads, HttpRequestRejectionTest,
    ::testing::Values(
        Rejection{"Garbage", "garbage\r\n\r\n", 400}, Rejection{"Empty", "\r\n\r\n", 400},
        Rejection{"Unterminated", "GET / HTTP/1.1\r\nHost: x\r\n", 400},
        Rejection{"MissingHost", "GET / HTTP/1.1\r\n\r\n", 400},
        Rejection{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        Rejection{"BareLf", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
        Rejection{"BareCr", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400},
        Rejection{"DoubleSpace", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        Rejection{"TrailingSpace", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400},
        Rejection{"BadMethod", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        Rejection{"AbsoluteForm", "GET http://x/metrics HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        Rejection{"Asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        Rejection{"BadVersion", "GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400},
        Rejection{"LowerCaseVersion", "GET / http/1.1\r\nHost: x\r\n\r\n", 400},
        Rejection{"Http2", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        Rejection{"Folding", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400},
        Rejection{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        Rejection{"NoColon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
        Rejection{"ControlInValue", "GET / HTTP/1.1\r\nHost: x\x01y\r\n\r\n", 400},
        Rejection{"NegativeLength", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                  400},
        Rejection{"ListLength", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", 400},
        Rejection{"ConflictingLength",
                  "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                  400},
        Rejection{"HugeLength",
                  "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
                  400},
        Rejection{"BodyTooLarge", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n",
                  413},
        Rejection{"Chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                  411},
        Rejection{"HeadTooLarge",
                  "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n",
                  431}),
    [](const ::testing::TestParamInfo<Rejection>& p) { return std::string(p.param.name); });

TEST(HttpRequestTest, BodyOfExactlyTheLimitIsAccepted) {
  EXPECT_TRUE(Parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n").ok());
}

TEST(HttpHeadLengthTest, FindsTheEmptyLine) {
  EXPECT_EQ(HttpHeadLength("GET / HTTP/1.1\r\nHost: x\r\n"), 0u);
  EXPECT_EQ(HttpHeadLength("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 27u);
  EXPECT_EQ(HttpHeadLength("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 27u);
}

TEST(AdminListenAddressTest, AcceptsLoopbackForms) {
  EXPECT_TRUE(CheckAdminListenAddress("127.0.0.1:9464", false).ok());
  EXPECT_TRUE(CheckAdminListenAddress("127.0.0.2:0", false).ok());
  EXPECT_TRUE(CheckAdminListenAddress("localhost:9464", false).ok());
  EXPECT_TRUE(CheckAdminListenAddress("[::1]:9464", false).ok());
  EXPECT_TRUE(CheckAdminListenAddress("[::ffff:127.0.0.1]:9464", false).ok());
}

TEST(AdminListenAddressTest, RefusesNonLoopbackUnlessAllowed) {
  for (const char* listen : {"0.0.0.0:9464", "192.0.2.10:9464", "[::]:9464", "[2001:db8::1]:1"}) {
    const Status refused = CheckAdminListenAddress(listen, false);
    EXPECT_EQ(refused.code(), ErrorCode::kInvalidInput) << listen;
    EXPECT_NE(refused.message().find("not loopback"), std::string::npos) << refused.message();
    EXPECT_NE(refused.message().find(listen), std::string::npos) << refused.message();
    EXPECT_TRUE(CheckAdminListenAddress(listen, true).ok()) << listen;
  }
}

TEST(AdminListenAddressTest, RejectsMalformedAddresses) {
  for (const char* listen :
       {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80a", ":9464",
        "::1:9464", "[::1:9464", "[::1]9464", "admin.example:9464", "127.1:9464"}) {
    const Status status = CheckAdminListenAddress(listen, true);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidInput) << listen;
    EXPECT_NE(status.message().find(listen), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace pmbridge
