// Slow and hostile clients against the one HTTPS server (connection_guard.h):
// idle sockets — TCP without a ClientHello, and TLS sessions that never send
// a request — do not keep other requests from being answered; a client that
// sends its request head too slowly is cut off at headerTimeout; a client
// within its connection limit keeps every connection.
#include <gtest/gtest.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>
#include <vector>

#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "hub/net/https_server.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::net {
namespace {

using namespace std::chrono_literals;

class SlowClientsTest : public ::testing::Test {
 protected:
  void SetUp() override { tls_ = writeDevTls(dir_.str()); }

  void start(int threads, int perClient, std::chrono::milliseconds headerTimeout = 10s) {
    HttpsServerOptions o;
    o.certFile = tls_.serverCertFile;
    o.keyFile = tls_.serverKeyFile;
    o.maxThreads = threads;
    o.maxQueued = 200;
    o.limits.maxPerClient = perClient;
    o.limits.headerTimeout = headerTimeout;
    o.idleTimeout = 30s;  // longer than the test: only the guard may close the idle ones
    server_ = std::make_unique<HttpsServer>(o, [](const HttpRequest&) {
      return HttpResponse{200, "application/json", R"({"status":"ok"})", {}, false};
    });
    server_->start();
  }

  Poco::Net::SocketAddress address() const { return Poco::Net::SocketAddress("127.0.0.1", server_->port()); }

  // Connected, and never a byte sent.
  Poco::Net::StreamSocket idleTcp() { return Poco::Net::StreamSocket(address()); }

  // The TLS handshake done, and no request.
  Poco::Net::SecureStreamSocket idleTls() {
    Poco::Net::Context::Ptr ctx(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", tls_.caCertFile,
                                                       Poco::Net::Context::VERIFY_RELAXED));
    Poco::Net::SecureStreamSocket s(address(), ctx);
    s.completeHandshake();
    return s;
  }

  HttpResult health(std::chrono::milliseconds timeout = 1000ms) {
    HttpsClientOptions o;
    o.caFile = tls_.caCertFile;
    o.connectTimeout = timeout;
    o.timeout = timeout;
    return HttpsClient(server_->baseUrl(), o).send("GET", "/health", "", "");
  }

  test::TempDir dir_;
  DevTlsFiles tls_;
  std::unique_ptr<HttpsServer> server_;
};

TEST_F(SlowClientsTest, FiftyIdleTcpAndFiftyIdleTlsConnectionsDoNotStarveHealth) {
  start(/*threads=*/8, /*perClient=*/4);
  std::vector<Poco::Net::StreamSocket> tcp;
  std::vector<Poco::Net::SecureStreamSocket> tlsSockets;
  for (int i = 0; i < 50; ++i) tcp.push_back(idleTcp());
  for (int i = 0; i < 50; ++i) tlsSockets.push_back(idleTls());
  const auto r = health();
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(server_->connectionCounts().evicted, 90u);  // all but the newest few idle ones
}

TEST_F(SlowClientsTest, WithoutAPerClientLimitIdleConnectionsDoStarveHealth) {
  // The control: the same attack with the limit above the thread count.
  start(/*threads=*/8, /*perClient=*/1000);
  std::vector<Poco::Net::StreamSocket> tcp;
  for (int i = 0; i < 50; ++i) tcp.push_back(idleTcp());
  const auto r = health(500ms);
  EXPECT_FALSE(r.answered() && r.status == 200);
  EXPECT_EQ(server_->connectionCounts().evicted, 0u);
}

TEST_F(SlowClientsTest, ConnectionsWithinTheLimitAreKept) {
  start(/*threads=*/8, /*perClient=*/4);
  std::vector<Poco::Net::StreamSocket> tcp;
  for (int i = 0; i < 3; ++i) tcp.push_back(idleTcp());
  const auto r = health();  // the fourth connection
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(server_->connectionCounts().evicted, 0u);
}

TEST_F(SlowClientsTest, AHeadSentTooSlowlyIsCutOffAtHeaderTimeout) {
  start(/*threads=*/4, /*perClient=*/16, /*headerTimeout=*/300ms);
  Poco::Net::SecureStreamSocket s = idleTls();
  const std::string part = "GET /health HTTP/1.1\r\nHost: x\r\n";  // never the blank line
  s.sendBytes(part.data(), static_cast<int>(part.size()));
  s.setReceiveTimeout(Poco::Timespan(10, 0));
  char buf[256];
  int n = -1;
  try {
    n = s.receiveBytes(buf, sizeof buf);
  } catch (const Poco::Exception&) {
    n = 0;  // reset by the server: closed as well
  }
  EXPECT_EQ(n, 0);  // closed by the server, not answered
  EXPECT_GE(server_->connectionCounts().timedOut, 1u);
}

TEST_F(SlowClientsTest, AHeadWithinHeaderTimeoutIsAnswered) {
  start(/*threads=*/4, /*perClient=*/16, /*headerTimeout=*/2000ms);
  const auto r = health();
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(server_->connectionCounts().timedOut, 0u);
}

}  // namespace
}  // namespace reghub::net
