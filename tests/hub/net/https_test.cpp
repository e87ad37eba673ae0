#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "hub/net/https_server.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::net {
namespace {

using namespace std::chrono_literals;

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override { tls_ = writeDevTls(dir_.str()); }
  HttpsServerOptions serverOptions() const {
    HttpsServerOptions o;
    o.certFile = tls_.serverCertFile;
    o.keyFile = tls_.serverKeyFile;
    return o;
  }
  HttpsClientOptions clientOptions() const {
    HttpsClientOptions o;
    o.caFile = tls_.caCertFile;
    o.connectTimeout = 2000ms;
    o.timeout = 2000ms;
    return o;
  }
  test::TempDir dir_;
  DevTlsFiles tls_;
};

TEST_F(HttpsTest, RoundTripOverTlsWithTrustedTestCa) {
  HttpsServer server(serverOptions(), [](const HttpRequest& r) {
    HttpResponse out;
    out.status = r.method == "PUT" ? 201 : 200;
    out.contentType = "application/json";
    out.body = r.method + " " + r.path + " " + r.headers.at("content-type") + " " + r.body;
    out.headers["Location"] = r.path;
    return out;
  });
  server.start();
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.baseUrl(), "https://127.0.0.1:" + std::to_string(server.port()));

  HttpsClient client(server.baseUrl() + "/prefix/", clientOptions());
  for (int i = 0; i < 2; ++i) {  // second call reuses the kept-alive connection
    const auto r = client.send("PUT", "/fhir/Bundle/x" + std::to_string(i), "{\"a\":1}", "application/fhir+json");
    ASSERT_TRUE(r.answered()) << r.error;
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "PUT /prefix/fhir/Bundle/x" + std::to_string(i) + " application/fhir+json {\"a\":1}");
    EXPECT_EQ(r.headers.at("location"), "/prefix/fhir/Bundle/x" + std::to_string(i));
  }
}

TEST_F(HttpsTest, RequestHookAddsHeaders) {
  HttpsServer server(serverOptions(), [](const HttpRequest& r) {
    auto it = r.headers.find("authorization");
    return HttpResponse{it == r.headers.end() ? 401 : 200, "text/plain", it == r.headers.end() ? "" : it->second, {},
                        false};
  });
  server.start();
  HttpsClient client(server.baseUrl(), clientOptions());
  EXPECT_EQ(client.send("GET", "/", "", "").status, 401);
  client.setRequestHook([](const std::string& method, const std::string& target, const std::string&,
                           std::map<std::string, std::string>& h) { h["Authorization"] = "Bearer " + method + target; });
  const auto r = client.send("GET", "/x", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Bearer GET/x");
}

TEST_F(HttpsTest, UntrustedServerIsATlsFailure) {
  HttpsServer server(serverOptions(), [](const HttpRequest&) { return HttpResponse{}; });
  server.start();
  test::TempDir other;
  auto opts = clientOptions();
  opts.caFile = writeDevTls(other.str()).caCertFile;  // a different CA
  HttpsClient client(server.baseUrl(), opts);
  const auto r = client.send("GET", "/", "", "");
  EXPECT_EQ(r.failure, TransportFailure::kTls) << r.error;
  EXPECT_EQ(r.status, 0);
}

TEST_F(HttpsTest, ClosedPortIsAConnectFailure) {
  int port = 0;
  {
    HttpsServer server(serverOptions(), [](const HttpRequest&) { return HttpResponse{}; });
    server.start();
    port = server.port();
  }
  HttpsClient client("https://127.0.0.1:" + std::to_string(port), clientOptions());
  const auto r = client.send("GET", "/", "", "");
  EXPECT_EQ(r.failure, TransportFailure::kConnect) << r.error;
}

TEST_F(HttpsTest, DroppedConnectionIsConnectionLost) {
  HttpsServer server(serverOptions(), [](const HttpRequest&) {
    HttpResponse out;
    out.dropConnection = true;
    return out;
  });
  server.start();
  HttpsClient client(server.baseUrl(), clientOptions());
  const auto r = client.send("PUT", "/x", "{}", "application/json");
  EXPECT_EQ(r.failure, TransportFailure::kConnectionLost) << r.error;
}

TEST_F(HttpsTest, SlowAnswerIsATimeout) {
  std::atomic<bool> release{false};
  HttpsServer server(serverOptions(), [&release](const HttpRequest&) {
    for (int i = 0; i < 100 && !release; ++i) std::this_thread::sleep_for(20ms);
    return HttpResponse{};
  });
  server.start();
  auto opts = clientOptions();
  opts.timeout = 200ms;
  HttpsClient client(server.baseUrl(), opts);
  const auto r = client.send("GET", "/", "", "");
  release = true;
  EXPECT_EQ(r.failure, TransportFailure::kTimeout) << r.error;
}

TEST_F(HttpsTest, HandlerExceptionBecomes500) {
  HttpsServer server(serverOptions(), [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  server.start();
  HttpsClient client(server.baseUrl(), clientOptions());
  const auto r = client.send("GET", "/", "", "");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("boom"), std::string::npos);
}

TEST_F(HttpsTest, StopWaitsForHandlersInFlight) {
  std::atomic<bool> entered{false}, finished{false};
  HttpsServer server(serverOptions(), [&](const HttpRequest&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    finished = true;
    return HttpResponse{};
  });
  server.start();
  std::thread client([&] {
    auto opts = clientOptions();
    opts.timeout = 100ms;
    HttpsClient c(server.baseUrl(), opts);
    c.send("GET", "/", "", "");
  });
  for (int i = 0; i < 200 && !entered; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(entered);
  server.stop();
  EXPECT_TRUE(finished) << "stop() returned while a handler was still running";
  client.join();
}

TEST(HttpsClient, RejectsPlainHttpBaseUrl) {
  EXPECT_THROW(HttpsClient("http://127.0.0.1:1", {}), std::invalid_argument);
}

}  // namespace
}  // namespace reghub::net
