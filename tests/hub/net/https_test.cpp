#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <istream>
#include <iterator>
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

TEST_F(HttpsTest, HeadCheckAnswersBeforeTheBodyAndTheHandlerNeverRuns) {
  std::atomic<int> handled{0};
  HttpsServerOptions o = serverOptions();
  o.headCheck = [](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.headers.count("authorization")) return std::nullopt;
    return HttpResponse{401, "text/plain", "who are you", {{"WWW-Authenticate", "Bearer"}}, false};
  };
  HttpsServer server(o, [&handled](const HttpRequest& r) {
    ++handled;
    return HttpResponse{200, "text/plain", r.body, {}, false};
  });
  server.start();
  HttpsClient client(server.baseUrl(), clientOptions());
  // Small enough to sit in the socket buffers: the server never reads it.
  const auto refused = client.send("POST", "/x", std::string(1000, 'a'), "text/plain");
  ASSERT_TRUE(refused.answered()) << refused.error;
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.headers.at("www-authenticate"), "Bearer");
  EXPECT_EQ(handled.load(), 0);
  const auto ok = client.send("POST", "/x", "hello", "text/plain", {{"Authorization", "Bearer t"}});
  ASSERT_TRUE(ok.answered()) << ok.error;
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "hello");
}

TEST_F(HttpsTest, PlainHttpWithoutCertificate) {
  HttpsServerOptions o;
  o.maxBodyBytes = 8;
  o.tooLarge = HttpResponse{413, "application/json", R"({"error":"too big"})", {}, false};
  HttpsServer server(o, [](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.body, {}, false}; });
  server.start();
  EXPECT_FALSE(server.tls());
  EXPECT_EQ(server.baseUrl(), "http://127.0.0.1:" + std::to_string(server.port()));
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server.port()));
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/x");
  const std::string body = "far more than eight bytes";
  req.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  const std::string answer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(resp.getStatus(), 413);
  EXPECT_EQ(answer, R"({"error":"too big"})");
}

// Reads what the server sends until it closes or `limit` bytes.
std::string readAll(Poco::Net::StreamSocket& s, size_t limit = 4096) {
  std::string out;
  char buf[512];
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  while (out.size() < limit) {
    int n = 0;
    try {
      n = s.receiveBytes(buf, sizeof buf);
    } catch (const Poco::Exception&) {
      break;
    }
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

TEST_F(HttpsTest, ExpectContinueOverTheLimitGets413InsteadOf100) {
  HttpsServerOptions o;
  o.maxBodyBytes = 8;
  HttpsServer server(o, [](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.body, {}, false}; });
  server.start();
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nExpect: 100-continue\r\nContent-Type: text/plain\r\n\r\n";
  s.sendBytes(head.data(), static_cast<int>(head.size()));
  const std::string answer = readAll(s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 Request Entity Too Large\r\n", 0), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
}

TEST_F(HttpsTest, ExpectContinueWithinTheLimitIsInvited) {
  HttpsServerOptions o;
  o.maxBodyBytes = 8;
  HttpsServer server(o, [](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.body, {}, false}; });
  server.start();
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n"
      "Content-Type: text/plain\r\n\r\n";
  s.sendBytes(head.data(), static_cast<int>(head.size()));
  char buf[64];
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  const int n = s.receiveBytes(buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)).rfind("HTTP/1.1 100 Continue", 0), 0u);
  s.sendBytes("hello", 5);
  const std::string answer = readAll(s);
  EXPECT_NE(answer.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("hello"), std::string::npos) << answer;
}

TEST_F(HttpsTest, StatusLineCarriesTheStatusReasonPhrase) {
  HttpsServerOptions o;
  HttpsServer server(o, [](const HttpRequest&) { return HttpResponse{404, "text/plain", "no", {}, false}; });
  server.start();
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
  const std::string head = "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  s.sendBytes(head.data(), static_cast<int>(head.size()));
  const std::string answer = readAll(s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << answer;
}

}  // namespace
}  // namespace reghub::net
